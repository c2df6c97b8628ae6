// CpuAccount against the kernel's own per-thread CPU clocks: threads that charge the account
// add exactly their time, a thread that does not is left out, and threads started by a
// tagged thread are found by name and clocked while they run.
#include "core/cpu_account.h"

#include <pthread.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "support/cpu_burn.h"

namespace pitchreel {
namespace {

using namespace std::chrono_literals;

using testing::burn_thread_cpu;

TEST(CpuAccount, ChargingThreadsAddTheirTimeAndOthersAreLeftOut) {
  CpuAccount account;
  {
    ThreadCharge charge(&account);
    EXPECT_EQ(CpuAccount::current(), &account);
    std::thread helper([a = CpuAccount::current()] {
      ThreadCharge inherited(a);
      burn_thread_cpu(150ms);
    });
    std::thread stranger([] { burn_thread_cpu(150ms); });  // not charged: another job's thread
    burn_thread_cpu(50ms);
    helper.join();
    stranger.join();
  }
  EXPECT_EQ(CpuAccount::current(), nullptr);
  EXPECT_GE(account.total(), 200ms);
  // The stranger's 150 ms would push it past 350 ms; the charged threads' own overhead is
  // far below 100 ms.
  EXPECT_LT(account.total(), 300ms);
}

TEST(CpuAccount, ThreadsStartedByATaggedThreadAreFoundAndClocked) {
  const std::string tag = unique_thread_tag("test");
  ASSERT_LE(tag.size(), 15u);
  char own_name[16] = {};
  pthread_getname_np(pthread_self(), own_name, sizeof own_name);
  ASSERT_EQ(pthread_setname_np(pthread_self(), tag.c_str()), 0);
  std::latch burned(2), release(1);
  std::vector<std::thread> started;
  for (int i = 0; i < 2; ++i) {
    started.emplace_back([&] {
      burn_thread_cpu(80ms);
      burned.count_down();
      release.wait();
    });
  }
  pthread_setname_np(pthread_self(), own_name);  // later threads are not tagged
  std::thread untagged([&] { release.wait(); });
  burned.wait();
  auto found = threads_named(tag);
  EXPECT_EQ(found.size(), 2u);
  for (const pid_t tid : found) {
    const auto cpu = thread_cpu_time(tid);
    ASSERT_TRUE(cpu) << "thread " << tid;
    EXPECT_GE(*cpu, 80ms);
  }
  release.count_down();
  for (auto& t : started) t.join();
  untagged.join();
  EXPECT_TRUE(threads_named(tag).empty());
  EXPECT_NE(unique_thread_tag("test"), tag);
}

}  // namespace
}  // namespace pitchreel
