// The PostgreSQL engine's batches and usage (store.h states the contract; pg_store.h how
// the guarantees hold across nodes).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "db/batch_admission.h"
#include "db/ids.h"
#include "db/pg_pool.h"
#include "db/pg_rows.h"
#include "db/store.h"
#include "db/usage_repository.h"

namespace pitchreel::db {
namespace {

template <typename F>
auto with_conn(PgPool& pool, F f) -> decltype(f(std::declval<PgConnection&>())) {
  auto lease = pool.acquire();
  if (!lease) return pitchreel::fail(lease.error());
  return f(**lease);
}

// The SQLite engine's SQL with PostgreSQL placeholders ("?1" -> "$1").
std::string pg_placeholders(std::string_view sql) {
  std::string out(sql);
  std::replace(out.begin(), out.end(), '?', '$');
  return out;
}

constexpr std::string_view kBatchColumns =
    "id, organization_id, user_id, defaults, item_count, status, cancel_requested, created_at, "
    "completed_at";

batches::Batch read_batch(const PgResult& r, int row) {
  batches::Batch b;
  b.id = r.text(row, 0);
  b.organization_id = r.text(row, 1);
  b.user_id = r.text(row, 2);
  b.defaults = r.text(row, 3);
  b.item_count = static_cast<int>(r.int64(row, 4));
  b.status = r.text(row, 5) == "completed" ? batches::BatchStatus::kCompleted
                                           : batches::BatchStatus::kRunning;
  b.cancel_requested = r.boolean(row, 6);
  b.created_at = r.int64(row, 7);
  b.completed_at = r.optional_int64(row, 8);
  return b;
}

Status load_counts(PgConnection& c, batches::Batch& b) {
  for (JobStatus s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                      JobStatus::kFailed, JobStatus::kCanceled}) {
    b.counts[s] = 0;
  }
  auto r = c.query("SELECT status, COUNT(*) FROM jobs WHERE batch_id = $1 GROUP BY status",
                   {b.id}, "counting a batch's items");
  if (!r) return pitchreel::fail(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    if (auto s = parse_job_status(r->text(i, 0))) b.counts[*s] = r->int64(i, 1);
  }
  return {};
}

Result<std::optional<batches::QuotaRefusal>> check_quota(PgConnection& c,
                                                         const batches::NewBatch& batch,
                                                         std::int64_t now) {
  using R = std::optional<batches::QuotaRefusal>;
  if (batch.per_org_day <= 0) return R{};
  const std::int64_t since = now - batches::kQuotaWindowS;
  auto used = c.query(
      "SELECT COUNT(*) FROM jobs WHERE organization_id = $1 AND created_at >= $2::bigint",
      {batch.organization_id, since}, "checking the daily quota");
  if (!used) return pitchreel::fail(used.error());
  const std::int64_t n = static_cast<std::int64_t>(batch.items.size());
  const std::int64_t count = used->int64(0, 0);
  if (count + n <= batch.per_org_day) return R{};
  std::optional<std::int64_t> oldest;
  if (n <= batch.per_org_day) {
    auto frees = c.query(
        "SELECT created_at FROM jobs WHERE organization_id = $1 AND created_at >= $2::bigint "
        "ORDER BY created_at LIMIT 1 OFFSET $3::bigint",
        {batch.organization_id, since, batches::jobs_to_leave(batch.per_org_day, count, n) - 1},
        "checking the daily quota");
    if (!frees) return pitchreel::fail(frees.error());
    if (frees->rows() > 0) oldest = frees->int64(0, 0);
  }
  return batches::refusal(batch.per_org_day, count, n, oldest, now);
}

class PgBatches final : public BatchRepository {
 public:
  explicit PgBatches(PgPool& pool) : pool_(pool) {}

  Result<batches::CreateOutcome> create(const batches::NewBatch& batch,
                                        std::int64_t now) override {
    if (auto s = batches::check_shape(batch); !s) return pitchreel::fail(s.error());
    const std::string id = new_uuid();
    auto made = with_conn(pool_, [&](PgConnection& c) -> Result<batches::CreateOutcome> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      // The organisation's admission lock, as JobRepository::create takes it: the quota
      // count and the inserts are one step against every other submission on any node.
      if (auto r = c.query("SELECT pg_advisory_xact_lock(hashtext('pitchreel.org.' || $1))",
                           {batch.organization_id}, "locking the organization's admissions");
          !r) {
        return pitchreel::fail(r.error());
      }
      auto refused = check_quota(c, batch, now);
      if (!refused) return pitchreel::fail(refused.error());
      if (*refused) return batches::CreateOutcome{std::nullopt, *refused};
      auto ins = c.query(
          "INSERT INTO batches (id, organization_id, user_id, defaults, item_count, created_at) "
          "SELECT $1, organization_id, id, $4, $5::integer, $6::bigint FROM users "
          "WHERE id = $2 AND organization_id = $3",
          {id, batch.user_id, batch.organization_id, batch.defaults,
           static_cast<std::int64_t>(batch.items.size()), now},
          "creating a batch");
      if (!ins) return pitchreel::fail(ins.error());
      if (ins->affected() == 0) {
        return pitchreel::fail(Error::invalid(
            "user_not_in_organization", fmt::format("User '{}' is not a member of organization '{}'.",
                                                    batch.user_id, batch.organization_id)));
      }
      for (const batches::NewItem& item : batch.items) {
        auto r = c.query(
            "INSERT INTO jobs (id, organization_id, user_id, status, stage, progress, request, "
            "product_id, attempts, max_attempts, not_before, created_at, updated_at, batch_id, "
            "batch_row) VALUES ($1, $2, $3, 'queued', 'queued', 0, $4, $5, 0, $6::integer, "
            "$7::bigint, $7::bigint, $7::bigint, $8, $9::integer)",
            {new_uuid(), batch.organization_id, batch.user_id, item.request, item.product_id,
             std::int64_t{batch.max_attempts}, now, id, std::int64_t{item.row}},
            "enqueuing a batch item");
        if (!r) return pitchreel::fail(r.error());
      }
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return batches::CreateOutcome{};
    });
    if (!made) return pitchreel::fail(made.error());
    if (made->refused) return *made;
    auto created = get(id, batch.organization_id);
    if (!created) return pitchreel::fail(created.error());
    return batches::CreateOutcome{std::move(*created), std::nullopt};
  }

  Result<std::optional<batches::Batch>> get(std::string_view id,
                                            std::string_view organization_id) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<batches::Batch>> {
      auto r = c.query(fmt::format("SELECT {} FROM batches WHERE id = $1 AND organization_id = $2",
                                   kBatchColumns),
                       {id, organization_id}, "reading a batch");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<batches::Batch>{};
      batches::Batch b = read_batch(*r, 0);
      if (auto s = load_counts(c, b); !s) return pitchreel::fail(s.error());
      return std::optional<batches::Batch>{std::move(b)};
    });
  }

  Result<std::vector<batches::Batch>> list(std::string_view organization_id, int limit) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<batches::Batch>> {
      auto r = c.query(fmt::format("SELECT {} FROM batches WHERE organization_id = $1 "
                                   "ORDER BY created_at DESC, seq DESC LIMIT $2::integer",
                                   kBatchColumns),
                       {organization_id, std::int64_t{std::clamp(limit, 1, batches::kMaxListed)}},
                       "listing batches");
      if (!r) return pitchreel::fail(r.error());
      std::vector<batches::Batch> out;
      for (int i = 0; i < r->rows(); ++i) {
        out.push_back(read_batch(*r, i));
        if (auto s = load_counts(c, out.back()); !s) return pitchreel::fail(s.error());
      }
      return out;
    });
  }

  Result<std::vector<batches::Item>> items(std::string_view id,
                                           std::string_view organization_id) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<batches::Item>> {
      auto r = c.query(fmt::format("SELECT {} FROM jobs WHERE batch_id = $1 AND "
                                   "organization_id = $2 ORDER BY batch_row, seq",
                                   kJobColumns),
                       {id, organization_id}, "reading a batch's items");
      if (!r) return pitchreel::fail(r.error());
      std::vector<batches::Item> out;
      for (int i = 0; i < r->rows(); ++i) {
        Job job = pg_read_job(*r, i);
        const int row = job.batch_row;
        out.push_back({row, std::move(job)});
      }
      return out;
    });
  }

  Result<bool> cancel(std::string_view id, std::string_view organization_id,
                      std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto found = c.query(
          "SELECT 1 FROM batches WHERE id = $1 AND organization_id = $2", {id, organization_id},
          "canceling a batch");
      if (!found) return pitchreel::fail(found.error());
      if (found->rows() == 0) return false;
      // Running items first (row locks only), then queued ones, whose status change makes
      // the trigger lock the batch row last: the order a worker finishing an item takes
      // them too (its job row, then the batch), so the two never wait on each other in a
      // cycle.
      for (std::string_view sql :
           {"UPDATE jobs SET cancel_requested = true, updated_at = $2::bigint "
            "WHERE batch_id = $1 AND status = 'running'",
            "UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = true, "
            "updated_at = $2::bigint WHERE batch_id = $1 AND status = 'queued'"}) {
        if (auto r = c.query(sql, {id, now}, "canceling a batch"); !r) {
          return pitchreel::fail(r.error());
        }
      }
      if (auto r = c.query("UPDATE batches SET cancel_requested = true WHERE id = $1", {id},
                           "canceling a batch");
          !r) {
        return pitchreel::fail(r.error());
      }
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return true;
    });
  }

 private:
  PgPool& pool_;
};

class PgUsage final : public UsageRepository {
 public:
  explicit PgUsage(PgPool& pool) : pool_(pool) {}

  Result<std::vector<usage::Day>> by_day(std::string_view organization_id, std::int64_t from,
                                         std::int64_t to) override {
    static const std::string sql = pg_placeholders(usage::kByDaySql);
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<usage::Day>> {
      auto r = c.query(sql, {organization_id, from, to}, "reading usage");
      if (!r) return pitchreel::fail(r.error());
      std::vector<usage::Day> out;
      for (int i = 0; i < r->rows(); ++i) {
        out.push_back({r->int64(i, 0), r->int64(i, 1), r->int64(i, 2), r->int64(i, 3),
                       r->real(i, 4), r->real(i, 5), r->real(i, 6)});
      }
      return out;
    });
  }
  Result<std::int64_t> stored_bytes(std::string_view organization_id) override {
    static const std::string sql = pg_placeholders(usage::kStoredSql);
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::int64_t> {
      auto r = c.query(sql, {organization_id}, "reading stored bytes");
      if (!r) return pitchreel::fail(r.error());
      return r->int64(0, 0);
    });
  }
  Result<std::vector<usage::OrgTotals>> totals() override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<usage::OrgTotals>> {
      auto r = c.query(usage::kTotalsSql, {}, "reading usage totals");
      if (!r) return pitchreel::fail(r.error());
      std::vector<usage::OrgTotals> out;
      for (int i = 0; i < r->rows(); ++i) {
        out.push_back({r->text(i, 0), r->text(i, 1), r->int64(i, 2), r->int64(i, 3),
                       r->real(i, 4), r->real(i, 5), r->real(i, 6), r->int64(i, 7)});
      }
      return out;
    });
  }

 private:
  PgPool& pool_;
};

}  // namespace

std::unique_ptr<BatchRepository> make_pg_batches(PgPool& pool) {
  return std::make_unique<PgBatches>(pool);
}
std::unique_ptr<UsageRepository> make_pg_usage(PgPool& pool) {
  return std::make_unique<PgUsage>(pool);
}

}  // namespace pitchreel::db
