// lower_thread_priority against the kernel's own per-thread nice values: it moves the calling
// thread by the steps given, never past 19, leaves the other threads of the process as they
// were, and threads started afterwards inherit it.
#include "core/thread_priority.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/thread_nice.h"

namespace pitchreel {
namespace {

using testing::this_thread_nice;

TEST(ThreadPriority, LowersOnlyTheCallingThreadAndItsLaterThreads) {
  const int caller = this_thread_nice();
  ASSERT_NE(caller, -100) << "the nice value cannot be read";
  if (caller > 19 - kRendererNiceness) GTEST_SKIP() << "this test runs at nice " << caller;
  int lowered = 0, started_after = 0;
  std::thread([&] {
    lower_thread_priority(kRendererNiceness);
    lowered = this_thread_nice();
    std::thread([&] { started_after = this_thread_nice(); }).join();
  }).join();
  EXPECT_EQ(lowered, caller + kRendererNiceness);
  EXPECT_EQ(started_after, lowered) << "inherited by threads started afterwards";
  EXPECT_EQ(this_thread_nice(), caller) << "the other threads keep theirs";
}

TEST(ThreadPriority, StopsAtNineteen) {
  int nice = 0;
  std::thread([&] {
    lower_thread_priority(15);
    lower_thread_priority(15);
    nice = this_thread_nice();
  }).join();
  EXPECT_EQ(nice, 19);
}

// The order the header promises: the renderer below x264, x264 below the rest.
static_assert(0 < kEncoderNiceness && kEncoderNiceness < kRendererNiceness);

}  // namespace
}  // namespace pitchreel
