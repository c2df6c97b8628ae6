// RenderCpuTime with real threads burning real CPU: a render alone in the process is charged
// the process's time (helper threads included); renders that overlap are each charged their
// own threads' time, and never the other's.
#include "worker/render_cpu_time.h"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "support/cpu_burn.h"

namespace pitchreel {
namespace {

using namespace std::chrono_literals;

using testing::burn_thread_cpu;

TEST(RenderCpuTime, AloneTheRenderIsChargedTheWholeProcess) {
  CpuAccount account;
  RenderCpuTime cpu(account);
  {
    ThreadCharge charge(&account);
    burn_thread_cpu(100ms);
  }
  std::thread library_pool([] { burn_thread_cpu(100ms); });  // a shared pool: no account sees it
  library_pool.join();
  const double seconds = cpu.seconds();
  EXPECT_TRUE(cpu.exclusive());
  EXPECT_GE(seconds, 0.2);
}

TEST(RenderCpuTime, OverlappingRendersAreEachChargedTheirOwnThreads) {
  std::latch both_started(2), both_burned(2);
  double seconds[2] = {0, 0};
  bool exclusive[2] = {true, true};
  const auto render = [&](int i, std::chrono::milliseconds work) {
    CpuAccount account;
    RenderCpuTime cpu(account);
    both_started.arrive_and_wait();
    {
      ThreadCharge charge(&account);
      std::thread encoder([a = CpuAccount::current(), work] {
        ThreadCharge inherited(a);
        burn_thread_cpu(work);
      });
      burn_thread_cpu(work);
      encoder.join();
    }
    both_burned.arrive_and_wait();  // neither ends before the other has done its work
    seconds[i] = cpu.seconds();
    exclusive[i] = cpu.exclusive();
  };
  std::thread a(render, 0, 100ms), b(render, 1, 250ms);
  a.join();
  b.join();
  EXPECT_FALSE(exclusive[0]);
  EXPECT_FALSE(exclusive[1]);
  EXPECT_GE(seconds[0], 0.2);
  EXPECT_LT(seconds[0], 0.45) << "the other render's 0.5 s would show";
  EXPECT_GE(seconds[1], 0.5);
  EXPECT_LT(seconds[1], 0.65) << "the other render's 0.2 s would show";
}

}  // namespace
}  // namespace pitchreel
