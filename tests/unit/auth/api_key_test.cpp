#include "auth/api_key.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>

namespace pitchreel {
namespace {

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(ApiKey, HasTheDocumentedShape) {
  const NewApiKey k = generate_api_key();
  EXPECT_EQ(k.key.size(), 44u);
  EXPECT_TRUE(k.key.starts_with("prk_"));
  EXPECT_EQ(
      k.key.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 4),
      std::string::npos);
  EXPECT_EQ(k.prefix, k.key.substr(0, 12));
  EXPECT_EQ(k.hash.size(), 64u);
  EXPECT_TRUE(is_lower_hex(k.hash));
  EXPECT_EQ(k.hash, hash_api_key(k.key));
  EXPECT_TRUE(looks_like_api_key(k.key));
}

TEST(ApiKey, KeysAreUniqueAndUniformlyDrawn) {
  constexpr int kKeys = 2000;
  std::set<std::string> keys;
  std::set<std::string> hashes;
  std::map<char, int> counts;
  for (int i = 0; i < kKeys; ++i) {
    const NewApiKey k = generate_api_key();
    keys.insert(k.key);
    hashes.insert(k.hash);
    for (const char c : k.key.substr(4)) ++counts[c];
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(hashes.size(), static_cast<std::size_t>(kKeys));
  // 40 chars of a 62-letter alphabet is 238 bits, above the 200 asked for; check that all
  // letters are used about equally (a biased mapping would shrink the entropy). The
  // bounds sit about 7 standard deviations from the mean: no flakes.
  ASSERT_EQ(counts.size(), 62u);
  const double expected = kKeys * 40.0 / 62.0;
  for (const auto& [c, n] : counts) {
    EXPECT_GT(n, expected * 0.8) << c;
    EXPECT_LT(n, expected * 1.2) << c;
  }
}

TEST(ApiKey, HashIsStableSha256Hex) {
  EXPECT_EQ(hash_api_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_api_key("prk_0123456789abcdefghijABCDEFGHIJ0123456789"),
            hash_api_key("prk_0123456789abcdefghijABCDEFGHIJ0123456789"));
  EXPECT_NE(hash_api_key("prk_0123456789abcdefghijABCDEFGHIJ0123456789"),
            hash_api_key("prk_0123456789abcdefghijABCDEFGHIJ0123456788"));
}

TEST(ApiKey, LooksLikeApiKeyOnlyForTheExactShape) {
  const std::string good = "prk_0123456789abcdefghijABCDEFGHIJ0123456789";
  ASSERT_EQ(good.size(), 44u);
  EXPECT_TRUE(looks_like_api_key(good));
  EXPECT_FALSE(looks_like_api_key(""));
  EXPECT_FALSE(looks_like_api_key("prk_"));
  EXPECT_FALSE(looks_like_api_key(good.substr(0, 43)));
  EXPECT_FALSE(looks_like_api_key(good + "x"));
  EXPECT_FALSE(looks_like_api_key("prx_" + good.substr(4)));
  EXPECT_FALSE(looks_like_api_key("PRK_" + good.substr(4)));
  EXPECT_FALSE(looks_like_api_key(good.substr(0, 43) + "-"));
  EXPECT_FALSE(looks_like_api_key(good.substr(0, 43) + "."));
  EXPECT_FALSE(looks_like_api_key("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"));
}

TEST(ApiKey, MatchesComparesAgainstTheStoredHash) {
  const NewApiKey k = generate_api_key();
  EXPECT_TRUE(api_key_matches(k.key, k.hash));
  EXPECT_FALSE(api_key_matches(generate_api_key().key, k.hash));
  EXPECT_FALSE(api_key_matches(k.key, k.hash.substr(1)));
  EXPECT_FALSE(api_key_matches(k.key, ""));
  std::string upper = k.hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != k.hash) {
    EXPECT_FALSE(api_key_matches(k.key, upper));
  }
}

}  // namespace
}  // namespace pitchreel
