// JobRunner: runs one claimed job end to end, read top-down in run():
//   stored JobSpec -> fresh work dir -> generate_video (espeak + CPU engine)
//   -> upload mp4, poster, captions -> complete (video row) | fail | finish_canceled
// and leaves nothing behind on any path: the work dir is removed, uploaded objects of a
// job that did not complete are removed, and the inputs are deleted once the job reaches
// a final state (input_cleanup.h: files only under uploads_dir; objects under
// {org}/inputs/{job id}/, which are downloaded into the work dir before the render).
//
// Who finishes the job:
// - a cancel request (seen by a heartbeat) -> finish_canceled
// - the pool is stopping -> nothing; the pool calls requeue_owned after joining
// - the lease was lost -> nothing; another worker owns the job now
// - any other error -> db fail(): retried with backoff min(60, 2^attempts) s unless the
//   error is ErrorKind::kInvalidInput (the same input would fail again)
//
// Threads: one JobRunner per worker thread; run() blocks for the whole job. The runner
// borrows the worker's own job queue (db/store.h), the store, notifier, metrics and the
// pool's stopping flag; all must outlive it. No exception escapes run().
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/metrics.h"
#include "core/notifier.h"
#include "core/status.h"
#include "db/store.h"
#include "storage/object_store.h"
#include "worker/job_progress.h"
#include "worker/job_spec.h"

namespace pitchreel {

struct JobRunnerOptions {
  std::filesystem::path work_dir;     // each job renders in work_dir / job id
  std::filesystem::path uploads_dir;  // inputs under it are deleted when their job ends
  std::int64_t lease_s = 30;
  ServiceConfig config;  // which engines and voices exist (remote backends)
};

// How run() left the job.
enum class JobOutcome {
  kSucceeded,
  kFailed,    // failed for good
  kRetrying,  // failed, queued again after a backoff
  kCanceled,
  kReleased,  // not finished here: pool stopping, lease lost, or the database unreachable
};
std::string_view to_string(JobOutcome outcome);

class JobRunner {
 public:
  JobRunner(db::JobQueue& queue, ObjectStore& store, Notifier& job_changed, Metrics& metrics,
            const std::atomic<bool>& stopping, JobRunnerOptions options);
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // `claimed` must be leased to worker_id (fresh from claim_next).
  JobOutcome run(const db::jobs::ClaimedJob& claimed, const std::string& worker_id);

 private:
  struct Attempt;
  JobOutcome render_and_publish(Attempt& attempt);
  JobOutcome publish(Attempt& attempt, const GenerateResult& result);
  void record_gpu_time(const Attempt& attempt, const std::string& engine_name);
  void record_cpu_time(const Attempt& attempt, double seconds, bool exclusive);
  JobOutcome finish_with_error(Attempt& attempt, const Error& error);
  JobOutcome finish_canceled(Attempt& attempt);

  db::JobQueue& queue_;
  ObjectStore& store_;
  Notifier& job_changed_;
  Metrics& metrics_;
  const std::atomic<bool>& stopping_;
  JobRunnerOptions options_;
};

}  // namespace pitchreel
