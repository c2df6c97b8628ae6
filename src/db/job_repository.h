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
#include "db/store_types.h"

namespace pitchreel::db::jobs {



// Enqueues a job (status queued, eligible at once) or, when the user already has a job
// with this idempotency key, returns that job unchanged, whatever its status or request.
// Errors: invalid "user_not_in_organization", invalid "invalid_max_attempts", and the
// admission limits: invalid "rate_limited", unavailable "queue_full".
Result<CreatedJob> create(Database& db, const NewJob& job, std::int64_t now);

// The admission limits create() checks, read-only (see JobRepository::check_admission).
Status check_admission(Database& db, const NewJob& job, std::int64_t now);

// The job this user created with this idempotency key, if any.
Result<std::optional<Job>> find_by_idempotency_key(Database& db, std::string_view user_id,
                                                   std::string_view idempotency_key);

// The job if it exists and belongs to organization_id.
Result<std::optional<Job>> get(Database& db, std::string_view job_id,
                               std::string_view organization_id);


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
