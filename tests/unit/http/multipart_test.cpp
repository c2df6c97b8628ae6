#include "http/multipart.h"

#include <gtest/gtest.h>

namespace pitchreel::http {
namespace {

constexpr const char* kType = "multipart/form-data; boundary=XyZ";

TEST(Multipart, PartsWithFilesAndFields) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"script\"\r\n\r\nHello\r\nworld\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a;b.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n\xff\xd8--XyZ-not-a-boundary\r\n--XyZ--\r\n";
  auto parts = parse_multipart(kType, body);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  const auto& script = parts->find("script")->second;
  EXPECT_EQ(script.content, "Hello\r\nworld");
  EXPECT_TRUE(script.filename.empty());
  const auto& image = parts->find("image")->second;
  EXPECT_EQ(image.filename, "a;b.jpg");
  EXPECT_EQ(image.content_type, "image/jpeg");
  EXPECT_EQ(image.content, "\xff\xd8--XyZ-not-a-boundary");
}

TEST(Multipart, QuotedBoundaryAndPreamble) {
  const std::string body = "preamble\r\n--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
  auto parts = parse_multipart("multipart/form-data; boundary=\"a b\"", body);
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->find("x")->second.content, "1");
}

TEST(Multipart, MalformedBodiesAreErrorsWithACode) {
  const std::string good_part = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
  const std::pair<std::string, std::string> cases[] = {
      {"multipart/form-data", good_part + "--XyZ--"},                                      // no boundary
      {kType, "no boundary here"},                                                         // never appears
      {kType, good_part},                                                                  // not closed
      {kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nv\r\n--XyZ--"},      // headers never end
      {kType, "--XyZ\r\nbroken header\r\n\r\nv\r\n--XyZ--"},                               // no colon
      {kType, "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--"},                    // no disposition
      {kType, "--XyZ\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nv\r\n--XyZ--"},  // no name
      {kType, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--"},    // open quote
      {kType, "--XyZjunk"},
  };
  for (const auto& [type, body] : cases) {
    auto parts = parse_multipart(type, body);
    ASSERT_FALSE(parts) << body;
    EXPECT_EQ(parts.error().code, "multipart_invalid");
    EXPECT_FALSE(parts.error().message.empty());
  }
}

TEST(Multipart, PartCountIsBounded) {
  std::string body;
  for (std::size_t i = 0; i <= kMaxFormParts; ++i) {
    body += "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
  }
  body += "--XyZ--\r\n";
  auto parts = parse_multipart(kType, body);
  ASSERT_FALSE(parts);
  EXPECT_NE(parts.error().message.find("parts"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel::http
