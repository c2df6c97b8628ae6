#include "storage/object_keys.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <vector>

#include "storage/content_types.h"

namespace pitchreel {
namespace {

TEST(ObjectKeys, ProductIdAcceptsTheSeedCharset) {
  for (const std::string& id : std::vector<std::string>{"abc-123_X", "a", std::string(64, 'z')}) {
    auto v = validate_product_id(id);
    ASSERT_TRUE(v) << id;
    EXPECT_EQ(*v, id);
  }
}

TEST(ObjectKeys, ProductIdRejectsEverythingElse) {
  for (const std::string& id : std::vector<std::string>{"", "a/b", "../", std::string(65, 'z'),
                                                        "caf\xc3\xa9", "a b", "a.b", "x\ny"}) {
    auto v = validate_product_id(id);
    ASSERT_FALSE(v) << id;
    EXPECT_EQ(v.error().code, "invalid_product_id");
    EXPECT_EQ(v.error().kind, ErrorKind::kInvalidInput);
    EXPECT_TRUE(v.error().message.starts_with(
        "productId may only contain letters, digits, '-' and '_' (1 to 64 characters); got "))
        << v.error().message;
  }
}

TEST(ObjectKeys, ProductIdErrorQuotesTheValueSafely) {
  auto unicode = validate_product_id("caf\xc3\xa9\n");
  EXPECT_NE(unicode.error().message.find(R"("caf\xc3\xa9\x0a")"), std::string::npos)
      << unicode.error().message;
  auto long_id = validate_product_id(std::string(1000, 'q') + "/");
  EXPECT_NE(long_id.error().message.find("\"" + std::string(64, 'q') + "\"..."), std::string::npos);
  EXPECT_LT(long_id.error().message.size(), 200u);
}

TEST(ObjectKeys, VideoKeysHaveTheSeedShape) {
  auto keys = make_video_keys("3f1c2a9e-org", "abc-123_X");
  ASSERT_TRUE(keys) << keys.error().message;
  const std::regex stem(R"(product-abc-123_X-[a-z2-7]{12})");
  const std::string folder = "3f1c2a9e-org/videos/ai-generated/";
  std::smatch m;
  ASSERT_TRUE(
      std::regex_match(keys->file_name, std::regex(R"(product-abc-123_X-[a-z2-7]{12}\.mp4)")))
      << keys->file_name;
  const auto stem_text = keys->file_name.substr(0, keys->file_name.size() - 4);
  EXPECT_TRUE(std::regex_match(stem_text, stem));
  EXPECT_EQ(keys->video, folder + stem_text + ".mp4");
  EXPECT_EQ(keys->poster, folder + stem_text + ".jpg");
  EXPECT_EQ(keys->captions, folder + stem_text + ".vtt");
  for (const auto& k : {keys->video, keys->poster, keys->captions}) {
    EXPECT_TRUE(check_object_key(k)) << k;
  }
  EXPECT_EQ(content_type_for_key(keys->video), "video/mp4");
  EXPECT_EQ(content_type_for_key(keys->poster), "image/jpeg");
  EXPECT_EQ(content_type_for_key(keys->captions), "text/vtt; charset=utf-8");
}

TEST(ObjectKeys, VideoKeysWithoutAProductId) {
  auto keys = make_video_keys("org", "");
  ASSERT_TRUE(keys);
  EXPECT_TRUE(std::regex_match(keys->video,
                               std::regex(R"(org/videos/ai-generated/product-[a-z2-7]{12}\.mp4)")))
      << keys->video;
}

TEST(ObjectKeys, VideoKeysAreRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(make_video_keys("org", "p")->video);
  EXPECT_EQ(seen.size(), 200u);
}

TEST(ObjectKeys, VideoKeysRejectBadIds) {
  EXPECT_EQ(make_video_keys("org", "../x").error().code, "invalid_product_id");
  for (const char* org : {"", "a/b", "..", "a b"}) {
    auto keys = make_video_keys(org, "p");
    ASSERT_FALSE(keys) << org;
    EXPECT_EQ(keys.error().code, "invalid_organization_id");
    EXPECT_EQ(keys.error().kind, ErrorKind::kInternal);
  }
}

TEST(ObjectKeys, CheckObjectKey) {
  for (const std::string& ok :
       std::vector<std::string>{"a", "org/videos/x.mp4", "A-b_c.d/e", std::string(512, 'k')}) {
    EXPECT_TRUE(check_object_key(ok)) << ok;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "../x", "/abs", "a//b", "a\\b", "a/./b", "a/..", "a/", ".hidden", "a/.tmp/b", "a b",
           "a?b", "a%2fb", std::string(513, 'k'), std::string("a\0b", 3)}) {
    auto status = check_object_key(bad);
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().code, "invalid_storage_key");
    EXPECT_EQ(status.error().kind, ErrorKind::kInternal);
  }
  EXPECT_NE(check_object_key("a\\b").error().message.find(R"("a\x5cb")"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
