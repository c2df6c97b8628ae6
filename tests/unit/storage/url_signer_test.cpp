#include "storage/url_signer.h"

#include <gtest/gtest.h>

#include <regex>

namespace pitchreel {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kExpires = kNow + 3600;
const std::string kKey = "org/videos/ai-generated/product-p-abcdefghijkl.mp4";

std::string sig_of(const std::string& query) { return query.substr(query.find("&sig=") + 5); }

TEST(UrlSigner, SignsAndVerifies) {
  UrlSigner signer(std::string(64, 's'));
  const auto query = signer.sign(kKey, kExpires);
  ASSERT_TRUE(std::regex_match(query, std::regex(R"(expires=1700003600&sig=[A-Za-z0-9_-]{43})")))
      << query;
  EXPECT_TRUE(signer.verify(kKey, kExpires, sig_of(query), kNow));
  EXPECT_EQ(signer.sign(kKey, kExpires), query) << "deterministic";
}

// The wire format is a contract with whoever else checks links (e.g. a CDN worker), so pin it
// to a value computed independently:
//   printf 'org/a.mp4\n1700000000' | openssl dgst -sha256 -hmac k3y -binary |
//     basenc --base64url | tr -d =
TEST(UrlSigner, MatchesAnIndependentHmac) {
  EXPECT_EQ(UrlSigner("k3y").sign("org/a.mp4", 1700000000),
            "expires=1700000000&sig=ltf8rN_cZmSvYUg5NsMAVPdF7RFXUii9sKsKd1EJvV0");
}

TEST(UrlSigner, RejectsTampering) {
  UrlSigner signer("secret-secret-secret-secret-secret");
  const auto sig = sig_of(signer.sign(kKey, kExpires));
  EXPECT_FALSE(signer.verify(kKey + "x", kExpires, sig, kNow));
  EXPECT_FALSE(signer.verify("org/other.mp4", kExpires, sig, kNow));
  EXPECT_FALSE(signer.verify(kKey, kExpires + 1, sig, kNow));
  auto flipped = sig;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signer.verify(kKey, kExpires, flipped, kNow));
  EXPECT_FALSE(signer.verify(kKey, kExpires, sig.substr(0, 42), kNow));
  EXPECT_FALSE(signer.verify(kKey, kExpires, sig + "A", kNow));
  EXPECT_FALSE(signer.verify(kKey, kExpires, "", kNow));
}

TEST(UrlSigner, RejectsExpiredLinks) {
  UrlSigner signer("secret-secret-secret-secret-secret");
  const auto sig = sig_of(signer.sign(kKey, kExpires));
  EXPECT_TRUE(signer.verify(kKey, kExpires, sig, kExpires - 1));
  EXPECT_FALSE(signer.verify(kKey, kExpires, sig, kExpires));
  EXPECT_FALSE(signer.verify(kKey, kExpires, sig, kExpires + 86400));
}

TEST(UrlSigner, RejectsOtherSecrets) {
  UrlSigner a("secret-a-secret-a-secret-a-secret-a");
  UrlSigner b("secret-b-secret-b-secret-b-secret-b");
  EXPECT_FALSE(b.verify(kKey, kExpires, sig_of(a.sign(kKey, kExpires)), kNow));
  UrlSigner empty("");
  EXPECT_FALSE(empty.verify(kKey, kExpires, sig_of(empty.sign(kKey, kExpires)), kNow))
      << "an empty secret fails closed";
}

TEST(UrlSigner, RandomSecretsAreFreshHex) {
  auto a = random_secret();
  auto b = random_secret();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(std::regex_match(*a, std::regex("[0-9a-f]{64}"))) << *a;
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace pitchreel
