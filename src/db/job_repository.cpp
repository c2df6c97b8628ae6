#include "db/job_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/ids.h"
#include "db/job_row.h"
#include "db/transaction.h"

namespace pitchreel::db::jobs {
namespace {

constexpr std::string_view kQueuedSql = "SELECT COUNT(*) FROM jobs WHERE status = 'queued'";
// Canceled jobs count too: otherwise a user could cancel and resubmit past the limit.
// Batch items count against the organisation's daily quota only, not the user's hourly
// limit (a catalogue batch is one request), nor the queue limit (they wait behind single
// jobs, see claim_next).
constexpr std::string_view kUserSinceSql =
    "SELECT COUNT(*) FROM jobs WHERE user_id = ?1 AND created_at >= ?2 AND batch_id IS NULL";
constexpr std::string_view kQueuedSingleSql =
    "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND batch_id IS NULL";
constexpr std::string_view kOrgSinceSql =
    "SELECT COUNT(*) FROM jobs WHERE organization_id = ?1 AND created_at >= ?2";
// The creation time of the job whose leaving the window brings the count under the limit:
// the (count - limit + 1)-th oldest inside it (OFFSET ?3 = count - limit).
constexpr std::string_view kUserFreesSql =
    "SELECT created_at FROM jobs WHERE user_id = ?1 AND created_at >= ?2 AND batch_id IS NULL "
    "ORDER BY created_at LIMIT 1 OFFSET ?3";
constexpr std::string_view kOrgFreesSql =
    "SELECT created_at FROM jobs WHERE organization_id = ?1 AND created_at >= ?2 "
    "ORDER BY created_at LIMIT 1 OFFSET ?3";
// A full queue drains by about one render; clients come back after this long.
constexpr int kQueueFullRetryAfterS = 30;

Result<std::int64_t> count(Connection& conn, std::string_view sql, std::initializer_list<Value> args) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(args); !s) return fail(s.error());
  return stmt->single_int64();
}

Result<std::int64_t> count(Database& db, std::string_view sql, std::initializer_list<Value> args) {
  Connection conn = db.connect();
  return count(conn, sql, args);
}

// One sliding-window rate limit: `limit` jobs per `window_s` for one user or organisation.
struct RateWindow {
  std::string_view count_sql;
  std::string_view frees_sql;
  std::string_view owner_id;
  std::int64_t limit = 0;
  std::int64_t window_s = 0;
  std::string_view describe;  // "You have requested {} videos in the last hour"
};

// Seconds until the window admits one more job (at least 1), given `count` >= limit.
Result<int> seconds_until_free(Connection& conn, const RateWindow& w, std::int64_t count,
                               std::int64_t now) {
  auto stmt = conn.prepare(w.frees_sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({w.owner_id, now - w.window_s, count - w.limit}); !s) {
    return fail(s.error());
  }
  auto frees_at = stmt->single_int64();
  if (!frees_at) return fail(frees_at.error());
  // The window includes its first second (created_at >= now - window_s), so the job
  // created at frees_at stops counting at frees_at + window_s + 1.
  return static_cast<int>(std::max<std::int64_t>(1, *frees_at + w.window_s + 1 - now));
}

Status check_rate(Connection& conn, const RateWindow& w, std::int64_t now) {
  if (w.limit <= 0) return {};
  auto n = count(conn, w.count_sql, {w.owner_id, now - w.window_s});
  if (!n) return fail(n.error());
  if (*n < w.limit) return {};
  auto wait = seconds_until_free(conn, w, *n, now);
  if (!wait) return fail(wait.error());
  Error e = Error::invalid(
      "rate_limited", fmt::format("{}; the limit is {}. Try again in {} s (see Retry-After).",
                                  fmt::format(fmt::runtime(w.describe), *n), w.limit, *wait));
  e.retry_after_s = *wait;
  return fail(std::move(e));
}

// The admission limits, checked inside create()'s write transaction so that concurrent
// submissions cannot all slip under a limit between counting and inserting.
Status admit(Connection& conn, const NewJob& job, std::int64_t now) {
  const Admission& a = job.admission;
  const RateWindow per_user{kUserSinceSql, kUserFreesSql, job.user_id, a.per_user_hour, 3600,
                            "You have requested {} videos in the last hour"};
  if (auto s = check_rate(conn, per_user, now); !s) return s;
  const RateWindow per_org{kOrgSinceSql, kOrgFreesSql, job.organization_id, a.per_org_day, 86400,
                           "Your organisation has requested {} videos in the last day"};
  if (auto s = check_rate(conn, per_org, now); !s) return s;
  if (a.queue_limit > 0) {
    auto n = count(conn, kQueuedSingleSql, {});
    if (!n) return fail(n.error());
    if (*n >= a.queue_limit) {
      Error e = Error::unavailable(
          "queue_full",
          fmt::format("The queue is full ({} jobs waiting). Try again in a little while.", *n));
      e.retry_after_s = kQueueFullRetryAfterS;
      return fail(std::move(e));
    }
  }
  return {};
}

}  // namespace

Status check_admission(Database& db, const NewJob& job, std::int64_t now) {
  Connection conn = db.connect();
  return admit(conn, job, now);
}

Result<CreatedJob> create(Database& db, const NewJob& job, std::int64_t now) {
  if (job.max_attempts < 1) {
    return fail(
        Error::invalid("invalid_max_attempts",
                       fmt::format("max_attempts must be at least 1 (got {}).", job.max_attempts)));
  }
  Connection conn = db.connect();
  // The write lock makes look-up-then-insert atomic: two requests with one key cannot both
  // insert (and the partial unique index would refuse the second anyway).
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  if (!job.idempotency_key.empty()) {
    auto stmt = conn.prepare(fmt::format(
        "SELECT {} FROM jobs WHERE user_id = ?1 AND idempotency_key = ?2", kJobColumns));
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({job.user_id, job.idempotency_key}); !s) return fail(s.error());
    auto existing = first_row(*stmt, read_job);
    if (!existing) return fail(existing.error());
    if (*existing) return CreatedJob{std::move(**existing), false};
  }
  if (auto s = admit(conn, job, now); !s) return fail(s.error());
  // INSERT ... SELECT FROM users: inserts nothing unless the user is in the organization.
  auto stmt = conn.prepare(fmt::format(
      "INSERT INTO jobs (id, organization_id, user_id, status, stage, progress, request, "
      "product_id, idempotency_key, attempts, max_attempts, not_before, created_at, updated_at) "
      "SELECT ?1, organization_id, id, 'queued', 'queued', 0, ?4, ?5, ?6, 0, ?7, ?8, ?8, ?8 "
      "FROM users WHERE id = ?2 AND organization_id = ?3 RETURNING {}",
      kJobColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s =
          stmt->bind_all({job.id.empty() ? new_uuid() : job.id, job.user_id, job.organization_id, job.request, job.product_id,
                          text_or_null(job.idempotency_key), std::int64_t{job.max_attempts}, now});
      !s) {
    return fail(s.error());
  }
  auto rows = collect_rows(*stmt, read_job);
  if (!rows) return fail(rows.error());
  if (rows->empty()) {
    return fail(Error::invalid("user_not_in_organization",
                               fmt::format("User '{}' is not a member of organization '{}'.",
                                           job.user_id, job.organization_id)));
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return CreatedJob{std::move(rows->front()), true};
}

Result<std::optional<Job>> find_by_idempotency_key(Database& db, std::string_view user_id,
                                                   std::string_view idempotency_key) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM jobs WHERE user_id = ?1 AND idempotency_key = ?2", kJobColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({user_id, idempotency_key}); !s) return fail(s.error());
  return first_row(*stmt, read_job);
}

Result<std::optional<Job>> get(Database& db, std::string_view job_id,
                               std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      fmt::format("SELECT {} FROM jobs WHERE id = ?1 AND organization_id = ?2", kJobColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({job_id, organization_id}); !s) return fail(s.error());
  return first_row(*stmt, read_job);
}

Result<CancelOutcome> cancel(Database& db, std::string_view job_id,
                             std::string_view organization_id, std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  std::optional<JobStatus> status;
  {
    auto stmt = conn.prepare("SELECT status FROM jobs WHERE id = ?1 AND organization_id = ?2");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({job_id, organization_id}); !s) return fail(s.error());
    auto row = first_row(*stmt, [](const Statement& s) { return s.column_text(0); });
    if (!row) return fail(row.error());
    if (!*row) return CancelOutcome::kNotFound;
    status = parse_job_status(**row);
  }
  CancelOutcome outcome;
  std::string_view sql;
  if (status == JobStatus::kQueued) {
    outcome = CancelOutcome::kCanceled;
    sql =
        "UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = 1, "
        "updated_at = ?2 WHERE id = ?1";
  } else if (status == JobStatus::kRunning) {
    outcome = CancelOutcome::kCancelRequested;
    sql = "UPDATE jobs SET cancel_requested = 1, updated_at = ?2 WHERE id = ?1";
  } else {
    return CancelOutcome::kAlreadyFinished;
  }
  auto stmt = conn.prepare(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({job_id, now}); !s) return fail(s.error());
  if (auto s = stmt->run(); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return outcome;
}

Result<std::int64_t> queue_depth(Database& db) {
  return count(db, kQueuedSql, {});
}

Result<std::optional<std::int64_t>> position_in_queue(Database& db, std::string_view job_id) {
  Connection conn = db.connect();
  // One statement, so it reads one snapshot. Row values compare (created_at, rowid) as
  // claim_next orders them.
  auto stmt = conn.prepare(
      "SELECT (SELECT COUNT(*) FROM jobs q WHERE q.status = 'queued' "
      "        AND (q.created_at, q.rowid) < (me.created_at, me.rowid)) "
      "FROM jobs me WHERE me.id = ?1 AND me.status = 'queued'");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, job_id); !s) return fail(s.error());
  return first_row(*stmt, [](const Statement& s) { return s.column_int64(0); });
}

Result<std::map<JobStatus, std::int64_t>> count_by_status(Database& db) {
  std::map<JobStatus, std::int64_t> counts;
  for (JobStatus s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                      JobStatus::kFailed, JobStatus::kCanceled}) {
    counts[s] = 0;
  }
  Connection conn = db.connect();
  auto stmt = conn.prepare("SELECT status, COUNT(*) FROM jobs GROUP BY status");
  if (!stmt) return fail(stmt.error());
  auto rows = collect_rows(*stmt, [](const Statement& s) {
    return std::pair{parse_job_status(s.column_text(0)), s.column_int64(1)};
  });
  if (!rows) return fail(rows.error());
  for (const auto& [status, n] : *rows) {
    if (status) counts[*status] = n;
  }
  return counts;
}

Result<std::int64_t> count_jobs_since(Database& db, std::string_view user_id, std::int64_t since) {
  return count(db, kUserSinceSql, {user_id, since});
}

Result<std::int64_t> count_org_jobs_since(Database& db, std::string_view organization_id,
                                          std::int64_t since) {
  return count(db, kOrgSinceSql, {organization_id, since});
}

}  // namespace pitchreel::db::jobs
