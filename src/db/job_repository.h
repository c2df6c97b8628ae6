// Jobs as the API sees them: enqueue (idempotently), look up, cancel, and the counts
// behind queue position, metrics and rate limits. The worker's side of the queue
// (claim, lease, finish) is in job_queue.h.
//
// Tenancy: every lookup by id from a request takes the caller's organization_id, and a
// job of another organization is simply not found (empty optional), never an error that
// would reveal it exists.
// Functions lock the Database for their duration; each is atomic. Times are Unix seconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"

namespace pitchreel::db::jobs {

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
};

struct CreatedJob {
  Job job;
  bool created = false;  // false: the idempotency key matched an earlier job, returned as is
};

// Enqueues a job (status queued, eligible at once) or, when the user already has a job
// with this idempotency key, returns that job unchanged, whatever its status or request.
// Errors: invalid "user_not_in_organization", invalid "invalid_max_attempts", and the
// admission limits: invalid "rate_limited", unavailable "queue_full".
Result<CreatedJob> create(Database& db, const NewJob& job, std::int64_t now);

// The job this user created with this idempotency key, if any.
Result<std::optional<Job>> find_by_idempotency_key(Database& db, std::string_view user_id,
                                                   std::string_view idempotency_key);

// The job if it exists and belongs to organization_id.
Result<std::optional<Job>> get(Database& db, std::string_view job_id,
                               std::string_view organization_id);

enum class CancelOutcome {
  kNotFound,         // no such job in this organization
  kCanceled,         // it was queued; it is now canceled and will never run
  kCancelRequested,  // it is running; the worker sees the request on its next heartbeat
  kAlreadyFinished,  // it had already succeeded, failed or been canceled; nothing changed
};
Result<CancelOutcome> cancel(Database& db, std::string_view job_id,
                             std::string_view organization_id, std::int64_t now);

// Queued jobs, including those waiting out a retry backoff.
Result<std::int64_t> queue_depth(Database& db);

// How many queued jobs are ahead of this one in claim order (0: it is next), or nullopt
// when the job is not queued. Ignores not_before, so it is an estimate for display.
Result<std::optional<std::int64_t>> position_in_queue(Database& db, std::string_view job_id);

// Jobs per status, every status present (zero when none), for metrics.
Result<std::map<JobStatus, std::int64_t>> count_by_status(Database& db);

// Jobs created at or after `since` that were not canceled: what rate limits count.
// Idempotent replays create nothing, so they are not counted.
Result<std::int64_t> count_jobs_since(Database& db, std::string_view user_id, std::int64_t since);
Result<std::int64_t> count_org_jobs_since(Database& db, std::string_view organization_id,
                                          std::int64_t since);

}  // namespace pitchreel::db::jobs
