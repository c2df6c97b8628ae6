#include "webhooks/signature.h"

#include <gtest/gtest.h>

namespace pitchreel::webhooks {
namespace {

// The example of the Standard Webhooks reference implementations.
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kBody = R"({"test": 2432232314})";

TEST(WebhookSignature, MatchesTheSpecificationsExample) {
  EXPECT_EQ(sign(kSecret, kId, kTimestamp, kBody).value(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, EveryPartIsSigned) {
  const std::string base = sign(kSecret, kId, kTimestamp, kBody).value();
  EXPECT_NE(sign(kSecret, "msg_other", kTimestamp, kBody).value(), base);
  EXPECT_NE(sign(kSecret, kId, kTimestamp + 1, kBody).value(), base);
  EXPECT_NE(sign(kSecret, kId, kTimestamp, R"({"test": 2432232315})").value(), base);
}

TEST(WebhookSignature, DuringARotationBothSecretsSign) {
  const std::string other = new_secret().value();
  const std::string header = signature_header(other, kSecret, kId, kTimestamp, kBody).value();
  EXPECT_EQ(header, sign(other, kId, kTimestamp, kBody).value() + " " +
                        sign(kSecret, kId, kTimestamp, kBody).value());
  EXPECT_EQ(signature_header(other, "", kId, kTimestamp, kBody).value(),
            sign(other, kId, kTimestamp, kBody).value());
}

TEST(WebhookSignature, NewSecretsAreRandomAndWellFormed) {
  const std::string a = new_secret().value();
  const std::string b = new_secret().value();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_EQ(a.size(), 6u + 44u);  // 32 bytes in base64
  EXPECT_TRUE(sign(a, kId, kTimestamp, kBody));
}

TEST(WebhookSignature, MalformedSecretsAreRefused) {
  for (std::string_view bad : {"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!"}) {
    auto r = sign(bad, kId, kTimestamp, kBody);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "webhook_secret_invalid");
  }
}

}  // namespace
}  // namespace pitchreel::webhooks
