// The worker's side of the job queue: claim a job under a lease, keep the lease alive,
// and finish the job exactly once.
//
// Leases: claim_next makes the caller (worker_id, unique per worker, e.g. host:pid:n)
// the job's lease owner until lease_expires_at. Every later call names the worker and
// changes the job only while that worker still owns it, so a worker that stalled past
// its lease and was replaced cannot overwrite its successor's work: its heartbeat says
// kLost, its complete() writes nothing, its fail() changes nothing. Each function runs
// in one BEGIN IMMEDIATE transaction, so with any number of connections and processes
// on one database file a job is claimed by one worker at a time and completed once
// (videos.job_id is also UNIQUE).
//
// A lease past lease_expires_at still counts as held until requeue_expired hands the job
// to someone else, so a slow worker that was not replaced loses nothing.
//
// Crash recovery: whoever runs the worker pool calls requeue_expired(now) periodically
// (e.g. before each poll) so jobs of dead workers run again, and requeue_owned on a
// graceful shutdown.
//
// Attempts: claim_next counts an attempt. fail(retryable) requeues with a backoff while
// attempts < max_attempts; then the job fails for good. An expired lease counts as a
// failed attempt (the job may be what kills the worker); a graceful requeue does not.
//
// Cancellation: a canceled running job keeps running until its worker's heartbeat
// returns kCancelRequested; the worker then calls finish_canceled. fail() and the
// requeue functions also end such a job as canceled instead of queuing it again.
// complete() still records a finished video (the work and its files exist).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"
#include "db/store_types.h"

namespace pitchreel::db::jobs {



// Takes the oldest queued job (by created_at, then insertion order) whose not_before
// <= now: running, leased to worker_id until now + lease_seconds, stage "starting",
// progress 0. nullopt when nothing is eligible.
Result<std::optional<ClaimedJob>> claim_next(Database& db, std::string_view worker_id,
                                             std::int64_t lease_seconds, std::int64_t now);



// Extends the lease to now + lease_seconds and records stage (empty: unchanged) and
// progress (clamped to 0..1).
Result<LeaseState> heartbeat(Database& db, std::string_view job_id, std::string_view worker_id,
                             std::int64_t lease_seconds, std::string_view stage, double progress,
                             std::int64_t now);

// Adds GPU wall time spent by an attempt to the job's total, whoever holds the job now
// (the time was spent either way).
Status add_gpu_seconds(Database& db, std::string_view job_id, double seconds);
// Adds render CPU time (user + system) spent by an attempt, likewise.
Status add_cpu_seconds(Database& db, std::string_view job_id, double seconds);

// In one transaction: inserts the video row and marks the job succeeded (stage "done",
// progress 1, video_id set, error cleared), only if worker_id still owns the job.
// The stored video gets a fresh id when video.id is empty, the job's organization, id
// and GPU total, the job's product_id when its own is empty, and created_at = now; it
// is returned.
// nullopt: the lease was lost and nothing was written (the caller should delete the
// files it uploaded).
Result<std::optional<Video>> complete(Database& db, std::string_view job_id,
                                      std::string_view worker_id, Video video, std::int64_t now);

// Records a failed attempt by the lease owner. retryable and attempts < max_attempts:
// back to queued, claimable from now + backoff_seconds; otherwise failed. A job with a
// cancel request becomes canceled. Returns the new status, or nullopt when the lease was
// lost (nothing changed). error_code/error_message keep the last failure either way.
Result<std::optional<JobStatus>> fail(Database& db, std::string_view job_id,
                                      std::string_view worker_id, std::string_view code,
                                      std::string_view message, bool retryable,
                                      std::int64_t backoff_seconds, std::int64_t now);

// The lease owner acknowledges a cancel request: the job becomes canceled.
// false: the lease was lost.
Result<bool> finish_canceled(Database& db, std::string_view job_id, std::string_view worker_id,
                             std::int64_t now);

// Running jobs whose lease expired before `now` (lease_expires_at < now) go back to
// queued, or to failed ("worker_lost") when they have used all attempts, or to canceled
// when a cancel was requested. Returns how many jobs changed.
Result<std::int64_t> requeue_expired(Database& db, std::int64_t now);

// Graceful shutdown: worker_id's running jobs go back to queued (or canceled) at once,
// and the interrupted attempt is not counted. Returns how many jobs changed.
Result<std::int64_t> requeue_owned(Database& db, std::string_view worker_id, std::int64_t now);

}  // namespace pitchreel::db::jobs
