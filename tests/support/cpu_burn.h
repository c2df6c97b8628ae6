// Burning CPU on purpose, for tests of CPU accounting (core/cpu_account.h).
#pragma once

#include <chrono>
#include <cstdint>

#include "core/cpu_account.h"

namespace pitchreel::testing {

// Spins on the calling thread until it has used `amount` more CPU time (not wall time: a
// loaded machine only makes it take longer).
inline void burn_thread_cpu(std::chrono::nanoseconds amount) {
  const auto until = this_thread_cpu_time() + amount;
  volatile std::uint64_t x = 1;
  while (this_thread_cpu_time() < until) {
    for (int i = 0; i < 10000; ++i) x = x * 6364136223846793005ull + 1;
  }
}

}  // namespace pitchreel::testing
