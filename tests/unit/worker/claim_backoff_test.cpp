// ClaimBackoff with an injected clock and injected randomness: delays double up to the
// cap, jitter stays within [step/2, step], a success resets, and only the edges of an
// outage are logged.
#include "worker/claim_backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace pitchreel {
namespace {

using namespace std::chrono_literals;

struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  double random = 0.0;
};

ClaimBackoff make(FakeTime& t, ClaimBackoffOptions options = {100ms, 3000ms}) {
  return ClaimBackoff(options, [&t] { return t.now; }, [&t] { return t.random; });
}

TEST(ClaimBackoff, DoublesFromTheBaseUpToTheCap) {
  FakeTime t;
  t.random = 0.999999;  // the top of each jittered range: the full step
  auto b = make(t);
  std::vector<long> delays;
  for (int i = 0; i < 8; ++i) delays.push_back(b.failure().delay.count());
  EXPECT_EQ(delays, (std::vector<long>{99, 199, 399, 799, 1599, 2999, 2999, 2999}));
}

TEST(ClaimBackoff, JitterKeepsAtLeastHalfTheStep) {
  FakeTime t;
  t.random = 0.0;
  auto low = make(t);
  EXPECT_EQ(low.failure().delay, 50ms);
  EXPECT_EQ(low.failure().delay, 100ms);
  t.random = 0.5;
  EXPECT_EQ(low.failure().delay, 300ms);  // step 400: 200 fixed + 0.5 * 200
  EXPECT_EQ(low.failure().delay, 600ms);  // step 800
  EXPECT_EQ(low.failure().delay, 1200ms);  // step 1600
  // Never above the cap, never below half of it, however long the outage.
  for (int i = 0; i < 100; ++i) {
    t.random = (i % 10) / 10.0;
    const auto d = low.failure().delay;
    EXPECT_GE(d, 1500ms);
    EXPECT_LE(d, 3000ms);
  }
}

TEST(ClaimBackoff, LogsOnlyWhenAnOutageStartsAndEnds) {
  FakeTime t;
  auto b = make(t);
  EXPECT_FALSE(b.success().log);  // healthy: nothing to say
  auto first = b.failure();
  EXPECT_TRUE(first.log);
  EXPECT_EQ(first.failures, 1);
  t.now += 250ms;
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(b.failure().log);
    t.now += 1s;
  }
  EXPECT_TRUE(b.failing());
  auto recovered = b.success();
  EXPECT_TRUE(recovered.log);
  EXPECT_EQ(recovered.failures, 21);
  EXPECT_EQ(recovered.outage, 20250ms);
  EXPECT_FALSE(b.failing());
  EXPECT_FALSE(b.success().log);
  // A new outage starts again from the base delay and is logged again.
  t.random = 0.999999;
  auto again = b.failure();
  EXPECT_TRUE(again.log);
  EXPECT_EQ(again.delay, 99ms);
}

TEST(ClaimBackoff, OutOfRangeRandomnessAndOptionsAreClamped) {
  FakeTime t;
  t.random = 7.0;
  auto b = make(t, {0ms, 0ms});  // a zero base would never grow: at least 1 ms
  EXPECT_EQ(b.failure().delay, 1ms);
  t.random = -3.0;
  auto c = make(t, {100ms, 10ms});  // a cap under the base: the base
  EXPECT_EQ(c.failure().delay, 50ms);
}

}  // namespace
}  // namespace pitchreel
