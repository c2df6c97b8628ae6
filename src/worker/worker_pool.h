// WorkerPool: the threads that run queued jobs. Each worker has its own state store
// (db::open_state_store: a SQLite connection on the shared file, or a small PostgreSQL
// pool) and loops:
//   requeue_expired -> claim_next -> JobRunner::run, or, when nothing is eligible,
//   sleep on `work_available` until a submit notifies it (or `idle_wait` passes, for
//   expired leases and retry backoffs, which nobody notifies). A failed claim (database
//   down) is retried after an exponential, jittered, capped delay (claim_backoff.h),
//   logged once when the outage begins and once when it ends.
//
// Shutdown: stop(grace) stops claiming, lets running jobs finish for up to `grace`, then
// raises the stopping flag (renders abort at the next frame), joins, and hands each
// worker's unfinished jobs back to the queue (requeue_owned), so nothing is lost and the
// interrupted attempts do not count.
//
// Threads: start(), stop() and the destructor belong to the owner's thread; busy() may be
// called from any thread. The store, notifiers and metrics are borrowed and must outlive
// the pool.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/metrics.h"
#include "core/notifier.h"
#include "core/status.h"
#include "db/store.h"
#include "storage/object_store.h"
#include "worker/claim_backoff.h"

namespace pitchreel {

struct WorkerPoolOptions {
  int workers = 1;
  int lease_s = 30;
  std::filesystem::path database_path;  // the SQLite file, when config.database_url is empty
  std::filesystem::path work_dir;     // per-job render folders, removed as jobs end
  std::filesystem::path uploads_dir;  // finished jobs' inputs under it are deleted
  std::string node_id;                // worker ids are node_id + "-" + index
  // How long an idle worker sleeps without a notification before looking again.
  std::chrono::milliseconds idle_wait{1000};
  ServiceConfig config;               // engines and voices the runners may use
  // Delays between claims while the database fails (claim_backoff.h).
  ClaimBackoffOptions claim_backoff;
};

class WorkerPool {
 public:
  WorkerPool(ObjectStore& store, Notifier& work_available, Notifier& job_changed, Metrics& metrics,
             WorkerPoolOptions options);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Stops with no grace if still running: renders abort and their jobs are requeued.
  ~WorkerPool();

  // Opens the stores and starts the threads. Errors: "invalid_workers" (invalid),
  // "worker_pool_running" (internal), a database open error (db/open_store.h),
  // "work_dir_not_writable".
  Status start();
  // Idempotent; returns once every worker thread has exited.
  void stop(std::chrono::seconds grace);
  // Workers running a job right now.
  int busy() const { return busy_.load(); }
  // Workers asleep on `work_available` right now (found nothing to claim). Any thread.
  int idle() const { return idle_waiting_.load(); }

 private:
  void work(std::size_t index);
  std::string worker_id(std::size_t index) const;
  void set_busy(int delta);
  void wait_for_work(std::uint64_t seen);
  // Sleeps `delay`, or less when the pool stops claiming.
  void back_off(std::chrono::milliseconds delay);

  ObjectStore& store_;
  Notifier& work_available_;
  Notifier& job_changed_;
  Metrics& metrics_;
  WorkerPoolOptions options_;

  std::vector<std::unique_ptr<db::Store>> stores_;  // one per worker, index-aligned
  std::vector<std::thread> threads_;
  bool running_ = false;  // owner's thread only
  std::atomic<bool> claiming_{false};
  std::atomic<bool> stopping_{false};  // read by every render through JobProgress::canceled()
  std::atomic<int> busy_{0};
  std::atomic<int> idle_waiting_{0};
  std::mutex idle_mutex_;
  std::condition_variable idle_;  // signalled when a worker finishes a job
};

}  // namespace pitchreel
