#include "db/batch_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/batch_admission.h"
#include "db/ids.h"
#include "db/job_row.h"
#include "db/transaction.h"

namespace pitchreel::db::batches {
namespace {

constexpr std::string_view kBatchColumns =
    "id, organization_id, user_id, defaults, item_count, status, cancel_requested, created_at, "
    "completed_at";

Batch read_batch(const Statement& s) {
  Batch b;
  b.id = s.column_text(0);
  b.organization_id = s.column_text(1);
  b.user_id = s.column_text(2);
  b.defaults = s.column_text(3);
  b.item_count = static_cast<int>(s.column_int64(4));
  b.status = s.column_text(5) == "completed" ? BatchStatus::kCompleted : BatchStatus::kRunning;
  b.cancel_requested = s.column_int64(6) != 0;
  b.created_at = s.column_int64(7);
  b.completed_at = s.column_optional_int64(8);
  return b;
}

Status load_counts(Connection& conn, Batch& b) {
  for (JobStatus s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                      JobStatus::kFailed, JobStatus::kCanceled}) {
    b.counts[s] = 0;
  }
  auto stmt = conn.prepare("SELECT status, COUNT(*) FROM jobs WHERE batch_id = ?1 GROUP BY status");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({b.id}); !s) return s;
  auto rows = collect_rows(*stmt, [](const Statement& s) {
    return std::pair{parse_job_status(s.column_text(0)), s.column_int64(1)};
  });
  if (!rows) return fail(rows.error());
  for (const auto& [status, n] : *rows) {
    if (status) b.counts[*status] = n;
  }
  return {};
}

// The quota check inside create()'s write transaction.
Result<std::optional<QuotaRefusal>> check_quota(Connection& conn, const NewBatch& batch,
                                                std::int64_t now) {
  if (batch.per_org_day <= 0) return std::optional<QuotaRefusal>{};
  const std::int64_t since = now - kQuotaWindowS;
  auto stmt = conn.prepare(
      "SELECT COUNT(*) FROM jobs WHERE organization_id = ?1 AND created_at >= ?2");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({batch.organization_id, since}); !s) return fail(s.error());
  auto used = stmt->single_int64();
  if (!used) return fail(used.error());
  const auto n = static_cast<std::int64_t>(batch.items.size());
  if (*used + n <= batch.per_org_day) return std::optional<QuotaRefusal>{};
  std::optional<std::int64_t> oldest;
  if (n <= batch.per_org_day) {
    auto frees = conn.prepare(
        "SELECT created_at FROM jobs WHERE organization_id = ?1 AND created_at >= ?2 "
        "ORDER BY created_at LIMIT 1 OFFSET ?3");
    if (!frees) return fail(frees.error());
    if (auto s = frees->bind_all(
            {batch.organization_id, since, jobs_to_leave(batch.per_org_day, *used, n) - 1});
        !s) {
      return fail(s.error());
    }
    auto row = first_row(*frees, [](const Statement& s) { return s.column_int64(0); });
    if (!row) return fail(row.error());
    oldest = *row;
  }
  return refusal(batch.per_org_day, *used, n, oldest, now);
}

}  // namespace

namespace {

// The inserts of create(); nullopt when admitted and written.
Result<std::optional<QuotaRefusal>> insert(Database& db, const NewBatch& batch,
                                           const std::string& id, std::int64_t now) {
  using R = std::optional<QuotaRefusal>;
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  auto refused = check_quota(conn, batch, now);
  if (!refused) return fail(refused.error());
  if (*refused) return refused;
  {
    // INSERT ... SELECT FROM users: nothing unless the user is in the organisation.
    auto stmt = conn.prepare(
        "INSERT INTO batches (id, organization_id, user_id, defaults, item_count, created_at) "
        "SELECT ?1, organization_id, id, ?4, ?5, ?6 FROM users WHERE id = ?2 "
        "AND organization_id = ?3");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, batch.user_id, batch.organization_id, batch.defaults,
                                 static_cast<std::int64_t>(batch.items.size()), now});
        !s) {
      return fail(s.error());
    }
    if (auto s = stmt->run(); !s) return fail(s.error());
    if (conn.changes() == 0) {
      return fail(Error::invalid("user_not_in_organization",
                                 fmt::format("User '{}' is not a member of organization '{}'.",
                                             batch.user_id, batch.organization_id)));
    }
  }
  for (const NewItem& item : batch.items) {
    auto stmt = conn.prepare(
        "INSERT INTO jobs (id, organization_id, user_id, status, stage, progress, request, "
        "product_id, attempts, max_attempts, not_before, created_at, updated_at, batch_id, "
        "batch_row) VALUES (?1, ?2, ?3, 'queued', 'queued', 0, ?4, ?5, 0, ?6, ?7, ?7, ?7, ?8, ?9)");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({new_uuid(), batch.organization_id, batch.user_id, item.request,
                                 item.product_id, std::int64_t{batch.max_attempts}, now, id,
                                 std::int64_t{item.row}});
        !s) {
      return fail(s.error());
    }
    if (auto s = stmt->run(); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return R{};
}

}  // namespace

Result<CreateOutcome> create(Database& db, const NewBatch& batch, std::int64_t now) {
  if (auto s = check_shape(batch); !s) return fail(s.error());
  const std::string id = new_uuid();
  auto refused = insert(db, batch, id, now);  // holds the connection until committed
  if (!refused) return fail(refused.error());
  if (*refused) return CreateOutcome{std::nullopt, *refused};
  auto created = get(db, id, batch.organization_id);
  if (!created) return fail(created.error());
  return CreateOutcome{std::move(*created), std::nullopt};
}

Result<std::optional<Batch>> get(Database& db, std::string_view id,
                                 std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM batches WHERE id = ?1 AND organization_id = ?2", kBatchColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
  auto batch = first_row(*stmt, read_batch);
  if (!batch) return fail(batch.error());
  if (!*batch) return std::optional<Batch>{};
  if (auto s = load_counts(conn, **batch); !s) return fail(s.error());
  return batch;
}

Result<std::vector<Batch>> list(Database& db, std::string_view organization_id, int limit) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM batches WHERE organization_id = ?1 ORDER BY created_at DESC, rowid DESC "
      "LIMIT ?2",
      kBatchColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(
          {organization_id, std::int64_t{std::clamp(limit, 1, kMaxListed)}});
      !s) {
    return fail(s.error());
  }
  auto rows = collect_rows(*stmt, read_batch);
  if (!rows) return fail(rows.error());
  for (Batch& b : *rows) {
    if (auto s = load_counts(conn, b); !s) return fail(s.error());
  }
  return rows;
}

Result<std::vector<Item>> items(Database& db, std::string_view id,
                                std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM jobs WHERE batch_id = ?1 AND organization_id = ?2 ORDER BY batch_row, rowid",
      kJobColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
  return collect_rows(*stmt, [](const Statement& s) {
    Job job = read_job(s);
    const int row = job.batch_row;
    return Item{row, std::move(job)};
  });
}

Result<bool> cancel(Database& db, std::string_view id, std::string_view organization_id,
                    std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  {
    auto stmt = conn.prepare(
        "UPDATE batches SET cancel_requested = 1 WHERE id = ?1 AND organization_id = ?2");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
    if (auto s = stmt->run(); !s) return fail(s.error());
    if (conn.changes() == 0) return false;
  }
  // Running items first, then queued ones (the order the PostgreSQL engine needs to
  // avoid lock cycles with workers; kept the same here).
  for (std::string_view sql :
       {"UPDATE jobs SET cancel_requested = 1, updated_at = ?2 WHERE batch_id = ?1 "
        "AND status = 'running'",
        "UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = 1, "
        "updated_at = ?2 WHERE batch_id = ?1 AND status = 'queued'"}) {
    auto stmt = conn.prepare(sql);
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, now}); !s) return fail(s.error());
    if (auto s = stmt->run(); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return true;
}

}  // namespace pitchreel::db::batches
