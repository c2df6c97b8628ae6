// CpuAccount: the CPU time of the threads that worked on one piece of work (a render), for
// usage and cost when several renders share a process and the process's own CPU time cannot
// be split between them.
//
// Threads charge an account in three ways:
// - a thread that works for it holds a ThreadCharge for the span of that work (the worker
//   thread around the render, the threads the render starts for itself);
// - ThreadCharge also makes the account current() on that thread, so code deeper down (the
//   encoder) can find it and hand it on to threads it starts;
// - threads a library starts and ends inside the work (x264's encoding threads) are found by
//   name (threads_named: Linux threads inherit their creator's name) and charged with
//   thread_cpu_time() before they end.
// What no account sees: threads of process-wide pools that outlive a render and serve every
// render (libvips' and OpenCV's workers); see docs/batches.md.
//
// Thread safety: add() and total() from any thread; ThreadCharge is per thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pitchreel {

class CpuAccount {
 public:
  void add(std::chrono::nanoseconds cpu) { ns_.fetch_add(cpu.count()); }
  std::chrono::nanoseconds total() const { return std::chrono::nanoseconds(ns_.load()); }
  // The account the calling thread charges now (its innermost ThreadCharge), or null.
  static CpuAccount* current();

 private:
  std::atomic<std::int64_t> ns_{0};
};

// While it lives, the calling thread charges `account` (null: nothing is charged); the
// destructor adds the CPU time the thread used meanwhile. Construct and destroy on one thread.
class ThreadCharge {
 public:
  explicit ThreadCharge(CpuAccount* account);
  ~ThreadCharge();
  ThreadCharge(const ThreadCharge&) = delete;
  ThreadCharge& operator=(const ThreadCharge&) = delete;

 private:
  CpuAccount* account_;
  CpuAccount* outer_;
  std::chrono::nanoseconds start_{0};
};

// The calling thread's CPU time so far (user + system).
std::chrono::nanoseconds this_thread_cpu_time();
// The CPU time so far of thread `tid` of this process; nullopt once it has ended.
std::optional<std::chrono::nanoseconds> thread_cpu_time(pid_t tid);
// The ids of this process's threads whose name (at most 15 bytes) is `name`.
std::vector<pid_t> threads_named(std::string_view name);
// A thread name no other live thread has, at most 15 bytes, starting with `prefix` (at most
// 8 bytes), to tag a thread so that the threads it starts can be found by threads_named.
std::string unique_thread_tag(std::string_view prefix);

}  // namespace pitchreel
