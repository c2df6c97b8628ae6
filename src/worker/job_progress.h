// JobProgress: the ProgressSink of one claimed job. It turns the pipeline's per-stage
// fractions into the job's overall progress, keeps the job's lease alive with heartbeats
// (which also store stage and progress for the API), and answers canceled() when the
// user canceled the job, the lease was lost, or the worker pool is stopping.
//
// Heartbeats are throttled to one per kHeartbeatInterval, plus one at every stage change,
// because update() is called once per rendered frame and each heartbeat is a write
// transaction. After each heartbeat that was written, `job_changed` is notified so event
// streams re-read the job.
//
// Threads: update() and canceled() are called by the one thread running the job (the
// pipeline calls both from its calling thread). `stopping` may be set by any thread.
// Borrows everything it is given; all of it must outlive this object.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/notifier.h"
#include "core/progress.h"
#include "db/store.h"

namespace pitchreel {

class JobProgress final : public ProgressSink {
 public:
  static constexpr std::chrono::milliseconds kHeartbeatInterval{500};

  JobProgress(db::JobQueue& queue, const Job& job, std::string worker_id, std::int64_t lease_s,
              Notifier& job_changed, const std::atomic<bool>& stopping);
  JobProgress(const JobProgress&) = delete;
  JobProgress& operator=(const JobProgress&) = delete;

  void update(std::string_view stage, double fraction) override;
  bool canceled() const override;

  // What the last heartbeat said. Sticky: once a cancel was requested or the lease was
  // lost, later heartbeats cannot turn it back into kHeld.
  db::jobs::LeaseState lease() const { return lease_; }
  bool stopping() const { return stopping_.load(); }

 private:
  void heartbeat();

  db::JobQueue& queue_;
  const Job& job_;
  std::string worker_id_;
  std::int64_t lease_s_;
  Notifier& job_changed_;
  const std::atomic<bool>& stopping_;

  std::string stage_;
  double overall_ = 0;  // never goes backwards
  db::jobs::LeaseState lease_ = db::jobs::LeaseState::kHeld;
  std::chrono::steady_clock::time_point last_heartbeat_{};
};

}  // namespace pitchreel
