#include "core/notifier.h"

#include <gtest/gtest.h>

#include <thread>

namespace pitchreel {
namespace {

TEST(Notifier, WakesAWaiterOnNotify) {
  Notifier n;
  const auto seen = n.version();
  std::jthread notifier([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n.notify();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto now = n.wait_for_change(seen, std::chrono::seconds(10));
  EXPECT_NE(now, seen);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Notifier, ReturnsAtOnceWhenAlreadyChangedAndTimesOutOtherwise) {
  Notifier n;
  const auto seen = n.version();
  n.notify();
  EXPECT_NE(n.wait_for_change(seen, std::chrono::hours(1)), seen);  // no sleep: already moved
  const auto current = n.version();
  EXPECT_EQ(n.wait_for_change(current, std::chrono::milliseconds(10)), current);
}

}  // namespace
}  // namespace pitchreel
