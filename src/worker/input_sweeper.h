// InputSweeper: runs sweep_job_inputs (input_cleanup.h) once at start and then every
// `interval` on a thread of its own, until destroyed. Every node may run one: sweeps are
// idempotent and removing a missing object succeeds. Errors (database or bucket down) are
// logged once per state change and retried at the next interval.
//
// Threads: constructor and destructor belong to the owner; the store and database are
// borrowed and must outlive the sweeper (the destructor joins the thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "db/store.h"
#include "storage/object_store.h"

namespace pitchreel {

class InputSweeper {
 public:
  InputSweeper(ObjectStore& store, db::Store& database, std::chrono::seconds interval);
  ~InputSweeper();
  InputSweeper(const InputSweeper&) = delete;
  InputSweeper& operator=(const InputSweeper&) = delete;

 private:
  void run();

  ObjectStore& store_;
  db::Store& database_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pitchreel
