// Value types of the store seam (store.h), shared by both engines' implementations.
#pragma once

#include <cstdint>
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

namespace videos {

inline constexpr int kMaxPageSize = 100;

struct VideoPage {
  std::vector<Video> videos;  // newest first (created_at, then id, descending)
  std::string next_cursor;    // empty: this is the last page
};

}  // namespace videos

}  // namespace pitchreel::db
