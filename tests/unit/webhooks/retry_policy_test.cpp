#include "webhooks/retry_policy.h"

#include <gtest/gtest.h>

namespace pitchreel::webhooks {
namespace {

using db::webhooks::DeliveryStatus;

TEST(WebhookRetryPolicy, TwoHundredsAreDelivered) {
  for (long s : {200L, 201L, 204L, 299L}) {
    auto r = decide({s, "", std::nullopt}, 3, 1000, 0);
    EXPECT_EQ(r.outcome, DeliveryStatus::kDelivered) << s;
    EXPECT_TRUE(r.disable_endpoint_reason.empty());
  }
}

TEST(WebhookRetryPolicy, FollowsTheScheduleThenDisablesTheEndpoint) {
  const std::int64_t expected[] = {5,         300,       1800,      7200,     18000,
                                   10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600};
  for (int before = 0; before < 9; ++before) {
    auto r = decide({500, "HTTP 500", std::nullopt}, before, 1000, 0);
    EXPECT_EQ(r.outcome, DeliveryStatus::kPending);
    EXPECT_EQ(r.next_attempt_at, 1000 + expected[before]) << before;
    EXPECT_TRUE(r.disable_endpoint_reason.empty());
  }
  auto last = decide({0, "connection refused (http://127.0.0.1:9)", std::nullopt}, 9, 1000, 0);
  EXPECT_EQ(last.outcome, DeliveryStatus::kFailed);
  EXPECT_NE(last.disable_endpoint_reason.find("10 times"), std::string::npos);
  EXPECT_NE(last.disable_endpoint_reason.find("connection refused"), std::string::npos);
}

TEST(WebhookRetryPolicy, JitterStaysWithinTenPercent) {
  EXPECT_EQ(decide({500, "", std::nullopt}, 1, 0, 1.0).next_attempt_at, 330);
  EXPECT_EQ(decide({500, "", std::nullopt}, 1, 0, -1.0).next_attempt_at, 270);
  EXPECT_EQ(decide({500, "", std::nullopt}, 1, 0, 7.0).next_attempt_at, 330);  // clamped
}

TEST(WebhookRetryPolicy, GoneDisablesAtOnce) {
  auto r = decide({410, "HTTP 410", std::nullopt}, 0, 1000, 0);
  EXPECT_EQ(r.outcome, DeliveryStatus::kFailed);
  EXPECT_NE(r.disable_endpoint_reason.find("410"), std::string::npos);
}

TEST(WebhookRetryPolicy, RetryAfterIsHonouredFor429And5xxOnly) {
  EXPECT_EQ(decide({429, "", 120}, 0, 1000, 0).next_attempt_at, 1120);
  EXPECT_EQ(decide({503, "", 120}, 0, 1000, 0).next_attempt_at, 1120);
  // Never sooner than the schedule, never beyond its longest step.
  EXPECT_EQ(decide({503, "", 1}, 1, 1000, 0).next_attempt_at, 1300);
  EXPECT_EQ(decide({503, "", 10 * 86400}, 0, 1000, 0).next_attempt_at, 1000 + 86400);
  // A redirect or a 404 is retried on the schedule whatever it says.
  EXPECT_EQ(decide({302, "", 120}, 0, 1000, 0).next_attempt_at, 1005);
  EXPECT_EQ(decide({404, "", 120}, 0, 1000, 0).next_attempt_at, 1005);
}

TEST(WebhookRetryPolicy, ParsesRetryAfterSecondsAndDates) {
  EXPECT_EQ(parse_retry_after("30", 1000), 30);
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 60), 60);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 60), 0);
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("", 0));
}

}  // namespace
}  // namespace pitchreel::webhooks
