// Value types of the store seam (store.h), shared by both engines' implementations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"

namespace pitchreel::db {

namespace api_keys {

// A stored key as shown to its owner: never the hash.
struct ApiKey {
  std::string id;
  std::string user_id;
  std::string prefix;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
  std::optional<std::int64_t> last_used_at;
};

// The result of authenticating with a key.
struct KeyMatch {
  std::string key_id;
  Principal principal;
  std::optional<std::int64_t> last_used_at;
};

// last_used_at is written at most once per this many seconds per key, so authenticating
// is not a write per request.
inline constexpr std::int64_t kTouchGranularitySeconds = 60;
// Whether a use at `now` should be recorded (saves the UPDATE on most requests).
inline bool touch_due(std::optional<std::int64_t> last_used_at, std::int64_t now) {
  return !last_used_at || *last_used_at <= now - kTouchGranularitySeconds;
}

}  // namespace api_keys

namespace jobs {

// Limits a new job must fit under, checked atomically with the insert; 0 = no limit.
// An idempotent replay is never refused by them.
struct Admission {
  int per_user_hour = 0;  // jobs a user may create per hour ("rate_limited")
  int per_org_day = 0;    // jobs an organisation may create per day ("rate_limited")
  int queue_limit = 0;    // queued jobs ("queue_full", unavailable)
};

struct NewJob {
  std::string organization_id;
  std::string user_id;  // must belong to organization_id
  std::string request;  // the validated request as JSON
  std::string product_id;
  std::string idempotency_key;  // empty: none
  int max_attempts = 3;         // claims allowed before the job fails for good (>= 1)
  Admission admission;
  // Empty: the store makes a fresh UUID. Else the id the job gets: a fresh UUID (new_uuid)
  // the caller made beforehand, so it can store the job's inputs under the job's id before
  // the row exists. Not returned on an idempotent replay (the earlier job keeps its id).
  std::string id = {};
};

struct CreatedJob {
  Job job;
  bool created = false;  // false: the idempotency key matched an earlier job, returned as is
};

enum class CancelOutcome {
  kNotFound,         // no such job in this organization
  kCanceled,         // it was queued; it is now canceled and will never run
  kCancelRequested,  // it is running; the worker sees the request on its next heartbeat
  kAlreadyFinished,  // it had already succeeded, failed or been canceled; nothing changed
};

struct ClaimedJob {
  Job job;  // status running, attempts already counting this one
  int max_attempts = 0;
  std::int64_t lease_expires_at = 0;
};

enum class LeaseState {
  kHeld,             // keep working
  kLost,             // the job is no longer this worker's: stop and write nothing
  kCancelRequested,  // the user canceled: stop, clean up, call finish_canceled
};

// One row of the outbox: a job entered `status`. Written in the transaction of the change.
struct JobEvent {
  std::int64_t id = 0;  // increasing; readers keep the last id they handled
  std::string job_id;
  std::string organization_id;
  JobStatus status = JobStatus::kQueued;
  std::string error_code;  // when failed
  std::string video_id;    // when succeeded
  std::int64_t created_at = 0;
};

}  // namespace jobs

namespace batches {

// One item of a new batch: what one job renders.
struct NewItem {
  int row = 0;          // the item's row in what the user sent (CSV line or 1-based index)
  std::string request;  // the validated request as JSON (a JobSpec)
  std::string product_id;
};

struct NewBatch {
  std::string organization_id;
  std::string user_id;  // must belong to organization_id
  std::string defaults;  // the batch's defaults as given, JSON
  std::vector<NewItem> items;
  int max_attempts = 3;
  // The organisation's daily quota (jobs per 24 h, batch items and single jobs together);
  // 0 = none. The user's hourly limit and the queue limit do not apply to batch items.
  int per_org_day = 0;
};

enum class BatchStatus { kRunning, kCompleted };

struct Batch {
  std::string id;
  std::string organization_id;
  std::string user_id;
  std::string defaults;  // JSON
  int item_count = 0;
  BatchStatus status = BatchStatus::kRunning;  // completed once every item is final
  bool cancel_requested = false;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> completed_at;
  std::map<JobStatus, std::int64_t> counts;  // items per job status, every status present
};

// A batch's item: its job (and so its video id when it succeeded).
struct Item {
  int row = 0;
  Job job;
};

// Why a batch was not admitted: it does not fit the organisation's daily quota.
struct QuotaRefusal {
  std::int64_t limit = 0;     // the quota: jobs per 24 h
  std::int64_t used = 0;      // jobs counted in the last 24 h
  std::int64_t fits_now = 0;  // items that would be admitted now
  // Seconds until the whole batch fits (enough of the window's jobs age out); 0 when it
  // never can, because it has more items than the quota.
  std::int64_t fits_all_in_s = 0;
};

// create()'s answer: the batch, or the refusal (nothing was written).
struct CreateOutcome {
  std::optional<Batch> batch;
  std::optional<QuotaRefusal> refused;
};

inline constexpr int kMaxListed = 100;

}  // namespace batches

namespace usage {

// One UTC day of an organisation's finished jobs (bucketed by the time they finished).
struct Day {
  std::int64_t day_start = 0;  // Unix seconds of 00:00 UTC
  std::int64_t videos = 0;     // jobs that succeeded
  std::int64_t failed = 0;     // jobs that failed for good
  std::int64_t canceled = 0;
  double video_seconds = 0;    // duration of the videos made
  double cpu_seconds = 0;      // render CPU time, all attempts, failed and canceled jobs included
  double gpu_seconds = 0;      // GPU wall time, likewise
};

// Per-organisation totals of every finished job and stored video, for /metrics.
struct OrgTotals {
  std::string organization_id;
  std::string organization_name;
  std::int64_t videos = 0;
  std::int64_t failed = 0;
  double video_seconds = 0;
  double cpu_seconds = 0;
  double gpu_seconds = 0;
  std::int64_t stored_bytes = 0;
};

}  // namespace usage

namespace videos {

inline constexpr int kMaxPageSize = 100;

struct VideoPage {
  std::vector<Video> videos;  // newest first (created_at, then id, descending)
  std::string next_cursor;    // empty: this is the last page
};

}  // namespace videos

}  // namespace pitchreel::db
