// InputSweeper: runs a sweep of job inputs (input_cleanup.h: sweep_job_inputs for the
// bucket, sweep_local_uploads for the uploads folder) once at start and then every
// `interval` on a thread of its own, until destroyed. Every node may run one: sweeps are
// idempotent and removing a missing input succeeds. Errors (database or bucket down) are
// logged once per state change and retried at the next interval.
//
// Threads: constructor and destructor belong to the owner; whatever `sweep` borrows must
// outlive the sweeper (the destructor joins the thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <cstdint>
#include <functional>

#include "core/status.h"
#include "worker/input_cleanup.h"

namespace pitchreel {

class InputSweeper {
 public:
  // `sweep` is called with the current Unix time.
  using Sweep = std::function<Result<InputSweep>(std::int64_t now)>;
  // `run_at_start` false: the first sweep waits one interval (the caller swept already).
  InputSweeper(Sweep sweep, std::chrono::seconds interval, bool run_at_start = true);
  ~InputSweeper();
  InputSweeper(const InputSweeper&) = delete;
  InputSweeper& operator=(const InputSweeper&) = delete;

 private:
  void run();

  Sweep sweep_;
  std::chrono::seconds interval_;
  bool wait_first_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pitchreel
