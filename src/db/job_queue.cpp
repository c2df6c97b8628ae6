#include "db/job_queue.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/ids.h"
#include "db/job_row.h"
#include "db/transaction.h"
#include "db/video_row.h"

namespace pitchreel::db::jobs {

// jobs::fail (below) hides pitchreel::fail in this namespace, so this file names the
// Error helper in full.

namespace {

// Runs one UPDATE in its own write transaction; returns the number of rows changed.
Result<std::int64_t> update(Database& db, std::string_view sql, std::initializer_list<Value> args) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return pitchreel::fail(tx.error());
  std::int64_t changed = 0;
  {
    auto stmt = conn.prepare(sql);
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all(args); !s) return pitchreel::fail(s.error());
    if (auto s = stmt->run(); !s) return pitchreel::fail(s.error());
    changed = conn.changes();
  }
  if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
  return changed;
}

// The lease check every worker call starts with.
constexpr std::string_view kOwnedBy = "id = ?1 AND status = 'running' AND lease_owner = ?2";

}  // namespace

Result<std::optional<ClaimedJob>> claim_next(Database& db, std::string_view worker_id,
                                             std::int64_t lease_seconds, std::int64_t now) {
  Connection conn = db.connect();
  // BEGIN IMMEDIATE serialises claimers across connections; the single UPDATE picks and
  // takes the job in one step, so no other claimer can see it queued in between.
  auto tx = Transaction::begin(conn);
  if (!tx) return pitchreel::fail(tx.error());
  std::optional<ClaimedJob> claimed;
  {
    // Fair order (store.h): the organisation whose last claim is oldest (the older head
    // among equals), then its single jobs before its batch items, then the oldest. `orgs`
    // lists the organisations that have queued jobs (a loose scan of jobs_claim_by_org) and
    // each one's head is one index probe, so a claim costs O(organisations x log n) rather
    // than a sort of the queue.
    // INDEXED BY: without statistics the planner prefers jobs_claim (status, created_at)
    // for the loose scan, which reads the whole queue.
    auto stmt = conn.prepare(fmt::format(
        "WITH RECURSIVE orgs(org) AS ("
        "SELECT (SELECT organization_id FROM jobs INDEXED BY jobs_claim_by_org "
        "WHERE status = 'queued' ORDER BY organization_id LIMIT 1) "
        "UNION ALL SELECT (SELECT j.organization_id FROM jobs j INDEXED BY jobs_claim_by_org "
        "WHERE j.status = 'queued' "
        "AND j.organization_id > orgs.org ORDER BY j.organization_id LIMIT 1) "
        "FROM orgs WHERE orgs.org IS NOT NULL) "
        "UPDATE jobs SET status = 'running', stage = 'starting', progress = 0, "
        "lease_owner = ?1, lease_expires_at = ?2 + ?3, attempts = attempts + 1, updated_at = ?2 "
        "WHERE status = 'queued' AND id = (SELECT x.head FROM (SELECT COALESCE(t.turn, 0) "
        "AS turn, (SELECT j.id FROM jobs j WHERE j.organization_id = o.org "
        "AND j.status = 'queued' AND j.not_before <= ?2 "
        "ORDER BY j.batch_id IS NOT NULL, j.created_at, j.rowid LIMIT 1) AS head "
        "FROM orgs o LEFT JOIN org_claim_turns t ON t.organization_id = o.org "
        "WHERE o.org IS NOT NULL) x JOIN jobs h ON h.id = x.head "
        "ORDER BY x.turn, h.created_at, h.rowid LIMIT 1) "
        "RETURNING {}",
        kJobColumns));
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({worker_id, now, lease_seconds}); !s)
      return pitchreel::fail(s.error());
    auto rows = collect_rows(*stmt, [](const Statement& s) {
      const JobLease lease = read_job_lease(s);
      return ClaimedJob{read_job(s), lease.max_attempts, lease.lease_expires_at};
    });
    if (!rows) return pitchreel::fail(rows.error());
    if (!rows->empty()) claimed = std::move(rows->front());
  }
  if (!claimed) return claimed;  // nothing written; the destructor ends the transaction
  {
    auto stmt = conn.prepare(
        "INSERT INTO org_claim_turns (organization_id, turn) "
        "VALUES (?1, (SELECT COALESCE(MAX(turn), 0) + 1 FROM org_claim_turns)) "
        "ON CONFLICT (organization_id) DO UPDATE SET turn = excluded.turn");
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({claimed->job.organization_id}); !s) {
      return pitchreel::fail(s.error());
    }
    if (auto s = stmt->run(); !s) return pitchreel::fail(s.error());
  }
  if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
  return claimed;
}

Result<LeaseState> heartbeat(Database& db, std::string_view job_id, std::string_view worker_id,
                             std::int64_t lease_seconds, std::string_view stage, double progress,
                             std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return pitchreel::fail(tx.error());
  std::optional<bool> cancel_requested;
  {
    auto stmt = conn.prepare(fmt::format(
        "UPDATE jobs SET lease_expires_at = ?3 + ?4, stage = COALESCE(NULLIF(?5, ''), stage), "
        "progress = ?6, updated_at = ?3 WHERE {} RETURNING cancel_requested",
        kOwnedBy));
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all(
            {job_id, worker_id, now, lease_seconds, stage, std::clamp(progress, 0.0, 1.0)});
        !s) {
      return pitchreel::fail(s.error());
    }
    auto rows = collect_rows(*stmt, [](const Statement& s) { return s.column_int64(0) != 0; });
    if (!rows) return pitchreel::fail(rows.error());
    if (!rows->empty()) cancel_requested = rows->front();
  }
  if (!cancel_requested) return LeaseState::kLost;
  if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
  return *cancel_requested ? LeaseState::kCancelRequested : LeaseState::kHeld;
}

Result<std::optional<Video>> complete(Database& db, std::string_view job_id,
                                      std::string_view worker_id, Video video, std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return pitchreel::fail(tx.error());
  {
    auto stmt = conn.prepare(fmt::format(
        "SELECT organization_id, product_id, gpu_seconds, cpu_seconds, batch_id FROM jobs "
        "WHERE {}",
        kOwnedBy));
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({job_id, worker_id}); !s) return pitchreel::fail(s.error());
    struct Row {
      std::string organization_id, product_id;
      double gpu_seconds, cpu_seconds;
      std::string batch_id;
    };
    auto job = first_row(*stmt, [](const Statement& s) {
      return Row{s.column_text(0), s.column_text(1), s.column_double(2), s.column_double(3),
                 s.column_text(4)};
    });
    if (!job) return pitchreel::fail(job.error());
    if (!*job) return std::optional<Video>{};  // lease lost: write nothing
    if (video.id.empty()) video.id = new_uuid();
    video.organization_id = (*job)->organization_id;
    video.job_id = std::string(job_id);
    if (video.product_id.empty()) video.product_id = (*job)->product_id;
    video.created_at = now;
    video.gpu_seconds = (*job)->gpu_seconds;
    video.cpu_seconds = (*job)->cpu_seconds;
    video.batch_id = (*job)->batch_id;
  }
  if (auto s = insert_video(conn, video); !s) return pitchreel::fail(s.error());
  {
    auto stmt = conn.prepare(
        "UPDATE jobs SET status = 'succeeded', stage = 'done', progress = 1, video_id = ?2, "
        "lease_owner = NULL, lease_expires_at = NULL, error_code = NULL, error_message = NULL, "
        "video_seconds = ?4, updated_at = ?3 WHERE id = ?1");
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({job_id, video.id, now, video.duration}); !s) {
      return pitchreel::fail(s.error());
    }
    if (auto s = stmt->run(); !s) return pitchreel::fail(s.error());
  }
  if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
  return std::optional<Video>{std::move(video)};
}

Status add_gpu_seconds(Database& db, std::string_view job_id, double seconds) {
  Connection conn = db.connect();
  auto stmt = conn.prepare("UPDATE jobs SET gpu_seconds = gpu_seconds + ?2 WHERE id = ?1");
  if (!stmt) return pitchreel::fail(stmt.error());
  if (auto s = stmt->bind_all({job_id, seconds}); !s) return s;
  return stmt->run();
}

Status add_cpu_seconds(Database& db, std::string_view job_id, double seconds) {
  Connection conn = db.connect();
  auto stmt = conn.prepare("UPDATE jobs SET cpu_seconds = cpu_seconds + ?2 WHERE id = ?1");
  if (!stmt) return pitchreel::fail(stmt.error());
  if (auto s = stmt->bind_all({job_id, seconds}); !s) return s;
  return stmt->run();
}

Result<std::optional<JobStatus>> fail(Database& db, std::string_view job_id,
                                      std::string_view worker_id, std::string_view code,
                                      std::string_view message, bool retryable,
                                      std::int64_t backoff_seconds, std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return pitchreel::fail(tx.error());
  struct Row {
    std::int64_t attempts, max_attempts;
    bool cancel_requested;
  };
  std::optional<Row> row;
  {
    auto stmt = conn.prepare(fmt::format(
        "SELECT attempts, max_attempts, cancel_requested FROM jobs WHERE {}", kOwnedBy));
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({job_id, worker_id}); !s) return pitchreel::fail(s.error());
    auto found = first_row(*stmt, [](const Statement& s) {
      return Row{s.column_int64(0), s.column_int64(1), s.column_int64(2) != 0};
    });
    if (!found) return pitchreel::fail(found.error());
    if (!*found) return std::optional<JobStatus>{};  // lease lost: change nothing
    row = **found;
  }
  const JobStatus next = row->cancel_requested                            ? JobStatus::kCanceled
                         : retryable && row->attempts < row->max_attempts ? JobStatus::kQueued
                                                                          : JobStatus::kFailed;
  {
    auto stmt = conn.prepare(
        "UPDATE jobs SET status = ?2, stage = ?2, progress = 0, lease_owner = NULL, "
        "lease_expires_at = NULL, not_before = ?3, error_code = ?4, error_message = ?5, "
        "updated_at = ?6 WHERE id = ?1");
    if (!stmt) return pitchreel::fail(stmt.error());
    const std::int64_t not_before =
        next == JobStatus::kQueued ? now + std::max<std::int64_t>(backoff_seconds, 0) : now;
    if (auto s = stmt->bind_all({job_id, to_string(next), not_before, code, message, now}); !s) {
      return pitchreel::fail(s.error());
    }
    if (auto s = stmt->run(); !s) return pitchreel::fail(s.error());
  }
  if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
  return std::optional<JobStatus>{next};
}

Result<bool> finish_canceled(Database& db, std::string_view job_id, std::string_view worker_id,
                             std::int64_t now) {
  auto changed = update(db,
                        fmt::format("UPDATE jobs SET status = 'canceled', stage = 'canceled', "
                                    "lease_owner = NULL, lease_expires_at = NULL, updated_at = ?3 "
                                    "WHERE {}",
                                    kOwnedBy),
                        {job_id, worker_id, now});
  if (!changed) return pitchreel::fail(changed.error());
  return *changed > 0;
}

Result<std::int64_t> requeue_expired(Database& db, std::int64_t now) {
  // SET expressions all read the old row, so the CASEs agree with one another.
  return update(db,
                "UPDATE jobs SET "
                "status = CASE WHEN cancel_requested THEN 'canceled' "
                "  WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
                "stage = CASE WHEN cancel_requested THEN 'canceled' "
                "  WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
                "error_code = CASE WHEN NOT cancel_requested AND attempts >= max_attempts "
                "  THEN 'worker_lost' ELSE error_code END, "
                "error_message = CASE WHEN NOT cancel_requested AND attempts >= max_attempts "
                "  THEN 'The worker running this job stopped responding on every attempt. "
                "Check the server logs for crashes or memory limits, then try again.' "
                "  ELSE error_message END, "
                "progress = 0, lease_owner = NULL, lease_expires_at = NULL, not_before = ?1, "
                "updated_at = ?1 "
                "WHERE status = 'running' AND lease_expires_at < ?1",
                {now});
}

Result<std::int64_t> requeue_owned(Database& db, std::string_view worker_id, std::int64_t now) {
  return update(db,
                "UPDATE jobs SET "
                "status = CASE WHEN cancel_requested THEN 'canceled' ELSE 'queued' END, "
                "stage = CASE WHEN cancel_requested THEN 'canceled' ELSE 'queued' END, "
                "attempts = MAX(attempts - 1, 0), progress = 0, lease_owner = NULL, "
                "lease_expires_at = NULL, not_before = ?2, updated_at = ?2 "
                "WHERE status = 'running' AND lease_owner = ?1",
                {worker_id, now});
}

}  // namespace pitchreel::db::jobs
