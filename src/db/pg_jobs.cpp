// The PostgreSQL job repository and queue (see pg_store.h for how each guarantee holds).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "db/ids.h"
#include "db/pg_pool.h"
#include "db/pg_rows.h"
#include "db/store.h"

namespace pitchreel::db {
namespace {

template <typename F>
auto with_conn(PgPool& pool, F f) -> decltype(f(std::declval<PgConnection&>())) {
  auto lease = pool.acquire();
  if (!lease) return pitchreel::fail(lease.error());
  return f(**lease);
}

Result<std::int64_t> count(PgConnection& c, std::string_view sql,
                           std::initializer_list<PgValue> params, std::string_view what) {
  auto r = c.query(sql, params, what);
  if (!r) return pitchreel::fail(r.error());
  return r->int64(0, 0);
}

constexpr std::string_view kQueuedSql = "SELECT COUNT(*) FROM jobs WHERE status = 'queued'";
// Canceled jobs count too (as on SQLite): cancel-and-resubmit must not pass the limit.
// Batch items count only against the organisation's daily quota (as on SQLite).
constexpr std::string_view kUserSinceSql =
    "SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND created_at >= $2::bigint "
    "AND batch_id IS NULL";
constexpr std::string_view kQueuedSingleSql =
    "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND batch_id IS NULL";
constexpr std::string_view kOrgSinceSql =
    "SELECT COUNT(*) FROM jobs WHERE organization_id = $1 AND created_at >= $2::bigint";
constexpr std::string_view kUserFreesSql =
    "SELECT created_at FROM jobs WHERE user_id = $1 AND created_at >= $2::bigint "
    "AND batch_id IS NULL ORDER BY created_at LIMIT 1 OFFSET $3::bigint";
constexpr std::string_view kOrgFreesSql =
    "SELECT created_at FROM jobs WHERE organization_id = $1 AND created_at >= $2::bigint "
    "ORDER BY created_at LIMIT 1 OFFSET $3::bigint";
constexpr int kQueueFullRetryAfterS = 30;  // as the SQLite engine

struct RateWindow {
  std::string_view count_sql;
  std::string_view frees_sql;
  std::string_view owner_id;
  std::int64_t limit = 0;
  std::int64_t window_s = 0;
  std::string_view describe;
};

Status check_rate(PgConnection& c, const RateWindow& w, std::int64_t now) {
  if (w.limit <= 0) return {};
  auto n = count(c, w.count_sql, {w.owner_id, now - w.window_s}, "checking a rate limit");
  if (!n) return pitchreel::fail(n.error());
  if (*n < w.limit) return {};
  auto frees = c.query(w.frees_sql, {w.owner_id, now - w.window_s, *n - w.limit},
                       "checking a rate limit");
  if (!frees) return pitchreel::fail(frees.error());
  const std::int64_t frees_at = frees->rows() ? frees->int64(0, 0) : now;
  // The window includes its first second, as on SQLite.
  const int wait = static_cast<int>(std::max<std::int64_t>(1, frees_at + w.window_s + 1 - now));
  Error e = Error::invalid(
      "rate_limited", fmt::format("{}; the limit is {}. Try again in {} s (see Retry-After).",
                                  fmt::format(fmt::runtime(w.describe), *n), w.limit, wait));
  e.retry_after_s = wait;
  return pitchreel::fail(std::move(e));
}

Status admit(PgConnection& c, const jobs::NewJob& job, std::int64_t now) {
  const jobs::Admission& a = job.admission;
  const RateWindow per_user{kUserSinceSql, kUserFreesSql, job.user_id, a.per_user_hour, 3600,
                            "You have requested {} videos in the last hour"};
  if (auto s = check_rate(c, per_user, now); !s) return s;
  const RateWindow per_org{kOrgSinceSql, kOrgFreesSql, job.organization_id, a.per_org_day, 86400,
                           "Your organisation has requested {} videos in the last day"};
  if (auto s = check_rate(c, per_org, now); !s) return s;
  if (a.queue_limit > 0) {
    auto n = count(c, kQueuedSingleSql, {}, "checking the queue length");
    if (!n) return pitchreel::fail(n.error());
    if (*n >= a.queue_limit) {
      Error e = Error::unavailable(
          "queue_full",
          fmt::format("The queue is full ({} jobs waiting). Try again in a little while.", *n));
      e.retry_after_s = kQueueFullRetryAfterS;
      return pitchreel::fail(std::move(e));
    }
  }
  return {};
}

std::optional<Job> first_job(const PgResult& r) {
  if (r.rows() == 0) return std::nullopt;
  return pg_read_job(r, 0);
}

class PgJobs final : public JobRepository {
 public:
  explicit PgJobs(PgPool& pool) : pool_(pool) {}

  Result<jobs::CreatedJob> create(const jobs::NewJob& job, std::int64_t now) override {
    if (job.max_attempts < 1) {
      return pitchreel::fail(Error::invalid(
          "invalid_max_attempts",
          fmt::format("max_attempts must be at least 1 (got {}).", job.max_attempts)));
    }
    return with_conn(pool_, [&](PgConnection& c) -> Result<jobs::CreatedJob> {
      const jobs::Admission& a = job.admission;
      const bool per_org = !job.idempotency_key.empty() || a.per_user_hour > 0 || a.per_org_day > 0;
      // Without limits or a key the INSERT alone is the whole step (one round trip, autocommit).
      std::optional<PgTransaction> tx;
      if (per_org || a.queue_limit > 0) {
        auto begun = PgTransaction::begin(c);
        if (!begun) return pitchreel::fail(begun.error());
        tx.emplace(std::move(*begun));
      }
      // Lock order: organisation, then the queue. Held until COMMIT, so the counts below see
      // every job the previous holder inserted (READ COMMITTED takes a snapshot per
      // statement, after the lock was granted).
      if (per_org) {
        if (auto r = c.query("SELECT pg_advisory_xact_lock(hashtext('pitchreel.org.' || $1))",
                             {job.organization_id}, "locking the organization's admissions");
            !r) {
          return pitchreel::fail(r.error());
        }
      }
      if (a.queue_limit > 0) {
        if (auto r = c.query("SELECT pg_advisory_xact_lock(hashtext('pitchreel.queue'))", {},
                             "locking the queue's admissions");
            !r) {
          return pitchreel::fail(r.error());
        }
      }
      if (!job.idempotency_key.empty()) {
        auto r = c.query(fmt::format("SELECT {} FROM jobs WHERE user_id = $1 AND "
                                     "idempotency_key = $2",
                                     kJobColumns),
                         {job.user_id, job.idempotency_key}, "looking up an idempotency key");
        if (!r) return pitchreel::fail(r.error());
        if (auto existing = first_job(*r)) return jobs::CreatedJob{std::move(*existing), false};
      }
      if (auto s = admit(c, job, now); !s) return pitchreel::fail(s.error());
      auto r = c.query(
          fmt::format(
              "INSERT INTO jobs (id, organization_id, user_id, status, stage, progress, request, "
              "product_id, idempotency_key, attempts, max_attempts, not_before, created_at, "
              "updated_at) "
              "SELECT $1, organization_id, id, 'queued', 'queued', 0, $4, $5, $6, 0, $7::integer, "
              "$8::bigint, $8::bigint, $8::bigint FROM users WHERE id = $2 AND organization_id = $3 "
              "RETURNING {}",
              kJobColumns),
          {job.id.empty() ? new_uuid() : job.id, job.user_id, job.organization_id, job.request, job.product_id,
           pg_text_or_null(job.idempotency_key), std::int64_t{job.max_attempts}, now},
          "enqueuing a job");
      if (!r) return pitchreel::fail(r.error());
      auto created = first_job(*r);
      if (!created) {
        return pitchreel::fail(Error::invalid(
            "user_not_in_organization", fmt::format("User '{}' is not a member of organization '{}'.",
                                                    job.user_id, job.organization_id)));
      }
      if (tx) {
        if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      }
      return jobs::CreatedJob{std::move(*created), true};
    });
  }

  Result<std::optional<Job>> find_by_idempotency_key(std::string_view user_id,
                                                     std::string_view key) override {
    return one(fmt::format("SELECT {} FROM jobs WHERE user_id = $1 AND idempotency_key = $2",
                           kJobColumns),
               user_id, key);
  }
  Result<std::optional<Job>> get(std::string_view job_id,
                                 std::string_view organization_id) override {
    return one(fmt::format("SELECT {} FROM jobs WHERE id = $1 AND organization_id = $2",
                           kJobColumns),
               job_id, organization_id);
  }

  Result<jobs::CancelOutcome> cancel(std::string_view job_id, std::string_view organization_id,
                                     std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<jobs::CancelOutcome> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      // FOR UPDATE: a claim in flight holds the row; we wait and then see it running.
      auto r = c.query("SELECT status FROM jobs WHERE id = $1 AND organization_id = $2 FOR UPDATE",
                       {job_id, organization_id}, "canceling a job");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return jobs::CancelOutcome::kNotFound;
      const auto status = parse_job_status(r->text(0, 0));
      jobs::CancelOutcome outcome;
      std::string_view sql;
      if (status == JobStatus::kQueued) {
        outcome = jobs::CancelOutcome::kCanceled;
        sql =
            "UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = true, "
            "updated_at = $2::bigint WHERE id = $1";
      } else if (status == JobStatus::kRunning) {
        outcome = jobs::CancelOutcome::kCancelRequested;
        sql = "UPDATE jobs SET cancel_requested = true, updated_at = $2::bigint WHERE id = $1";
      } else {
        return jobs::CancelOutcome::kAlreadyFinished;
      }
      if (auto u = c.query(sql, {job_id, now}, "canceling a job"); !u) {
        return pitchreel::fail(u.error());
      }
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return outcome;
    });
  }

  Result<std::int64_t> queue_depth() override {
    return with_conn(pool_, [&](PgConnection& c) {
      return count(c, kQueuedSql, {}, "counting queued jobs");
    });
  }
  Result<std::optional<std::int64_t>> position_in_queue(std::string_view job_id) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<std::int64_t>> {
      auto r = c.query(
          "SELECT (SELECT COUNT(*) FROM jobs q WHERE q.status = 'queued' "
          "        AND (q.created_at, q.seq) < (me.created_at, me.seq)) "
          "FROM jobs me WHERE me.id = $1 AND me.status = 'queued'",
          {job_id}, "finding a job's queue position");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<std::int64_t>{};
      return std::optional<std::int64_t>{r->int64(0, 0)};
    });
  }
  Result<std::map<JobStatus, std::int64_t>> count_by_status() override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::map<JobStatus, std::int64_t>> {
      std::map<JobStatus, std::int64_t> counts;
      for (JobStatus s : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                          JobStatus::kFailed, JobStatus::kCanceled}) {
        counts[s] = 0;
      }
      auto r = c.query("SELECT status, COUNT(*) FROM jobs GROUP BY status", {},
                       "counting jobs by status");
      if (!r) return pitchreel::fail(r.error());
      for (int i = 0; i < r->rows(); ++i) {
        if (auto s = parse_job_status(r->text(i, 0))) counts[*s] = r->int64(i, 1);
      }
      return counts;
    });
  }
  Status check_admission(const jobs::NewJob& job, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) { return admit(c, job, now); });
  }
  Result<std::int64_t> count_jobs_since(std::string_view user_id, std::int64_t since) override {
    return with_conn(pool_, [&](PgConnection& c) {
      return count(c, kUserSinceSql, {user_id, since}, "counting a user's jobs");
    });
  }
  Result<std::int64_t> count_org_jobs_since(std::string_view organization_id,
                                            std::int64_t since) override {
    return with_conn(pool_, [&](PgConnection& c) {
      return count(c, kOrgSinceSql, {organization_id, since}, "counting an organization's jobs");
    });
  }

 private:
  Result<std::optional<Job>> one(const std::string& sql, std::string_view a, std::string_view b) {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Job>> {
      auto r = c.query(sql, {a, b}, "reading a job");
      if (!r) return pitchreel::fail(r.error());
      return first_job(*r);
    });
  }
  PgPool& pool_;
};

// The lease check every worker call starts with ($1 job id, $2 worker id).
constexpr std::string_view kOwnedBy = "id = $1 AND status = 'running' AND lease_owner = $2";

class PgQueue final : public JobQueue {
 public:
  explicit PgQueue(PgPool& pool) : pool_(pool) {}

  Result<std::optional<jobs::ClaimedJob>> claim_next(std::string_view worker_id,
                                                     std::int64_t lease_seconds,
                                                     std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<jobs::ClaimedJob>> {
      // One statement, autocommit, O(organisations with queued jobs x log n) rather than a
      // sort of the whole queue. `orgs` lists the organisations that have queued jobs (a loose
      // scan of jobs_claim_by_org: the full ORDER BY is that index's, so no other index
      // of jobs by organisation, which would walk the finished jobs too, can serve it
      // whatever the statistics say); `pick` takes each one's head (its single jobs before its
      // batch items, then the oldest), skipping rows other claimers hold, and keeps the head
      // of the organisation whose last claim is oldest (the older head among equals). The
      // UPDATE re-checks the status of the locked row, so a job canceled meanwhile is not
      // taken. The organisation's turn moves on in the same statement (claim_turns is a
      // sequence: increasing across nodes without a lock). Concurrent claimers that read
      // the same turns take that organisation's next jobs: fairness is per claim, not
      // exact under a burst of simultaneous claims.
      auto r = c.query(
          fmt::format("WITH RECURSIVE orgs(org) AS ("
                      "(SELECT organization_id FROM jobs WHERE status = 'queued' ORDER BY "
                      "organization_id, (batch_id IS NOT NULL), created_at, seq LIMIT 1) "
                      "UNION ALL SELECT (SELECT j.organization_id FROM jobs j "
                      "WHERE j.status = 'queued' AND j.organization_id > orgs.org ORDER BY "
                      "j.organization_id, (j.batch_id IS NOT NULL), j.created_at, j.seq LIMIT 1) "
                      "FROM orgs WHERE orgs.org IS NOT NULL), "
                      "pick AS (SELECT h.id FROM (SELECT o.org, COALESCE(t.turn, 0) AS turn "
                      "FROM orgs o LEFT JOIN org_claim_turns t ON t.organization_id = o.org "
                      "WHERE o.org IS NOT NULL) o CROSS JOIN LATERAL ("
                      "SELECT j.id, j.created_at, j.seq FROM jobs j WHERE j.organization_id = o.org "
                      "AND j.status = 'queued' AND j.not_before <= $2::bigint "
                      "ORDER BY (j.batch_id IS NOT NULL), j.created_at, j.seq "
                      "LIMIT 1 FOR UPDATE SKIP LOCKED) h ORDER BY o.turn, h.created_at, h.seq "
                      "LIMIT 1), "
                      "c AS (UPDATE jobs SET status = 'running', stage = 'starting', "
                      "progress = 0, lease_owner = $1, lease_expires_at = $2::bigint + $3::bigint, "
                      "attempts = attempts + 1, updated_at = $2::bigint "
                      "WHERE status = 'queued' AND id = (SELECT id FROM pick) RETURNING {}), "
                      "t AS (INSERT INTO org_claim_turns (organization_id, turn) "
                      "SELECT organization_id, nextval('claim_turns') FROM c "
                      "ON CONFLICT (organization_id) DO UPDATE SET turn = EXCLUDED.turn) "
                      "SELECT * FROM c",
                      kJobColumns),
          {worker_id, now, lease_seconds}, "claiming a job");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<jobs::ClaimedJob>{};
      return std::optional<jobs::ClaimedJob>{pg_read_claimed(*r, 0)};
    });
  }

  Result<jobs::LeaseState> heartbeat(std::string_view job_id, std::string_view worker_id,
                                     std::int64_t lease_seconds, std::string_view stage,
                                     double progress, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<jobs::LeaseState> {
      auto r = c.query(
          fmt::format("UPDATE jobs SET lease_expires_at = $3::bigint + $4::bigint, "
                      "stage = COALESCE(NULLIF($5, ''), stage), progress = $6::double precision, "
                      "updated_at = $3::bigint WHERE {} RETURNING cancel_requested",
                      kOwnedBy),
          {job_id, worker_id, now, lease_seconds, stage, std::clamp(progress, 0.0, 1.0)},
          "renewing a lease");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return jobs::LeaseState::kLost;
      return r->boolean(0, 0) ? jobs::LeaseState::kCancelRequested : jobs::LeaseState::kHeld;
    });
  }

  Status add_gpu_seconds(std::string_view job_id, double seconds) override {
    return with_conn(pool_, [&](PgConnection& c) -> Status {
      auto r = c.query(
          "UPDATE jobs SET gpu_seconds = gpu_seconds + $2::double precision WHERE id = $1",
          {job_id, seconds}, "recording GPU time");
      if (!r) return pitchreel::fail(r.error());
      return {};
    });
  }

  Status add_cpu_seconds(std::string_view job_id, double seconds) override {
    return with_conn(pool_, [&](PgConnection& c) -> Status {
      auto r = c.query(
          "UPDATE jobs SET cpu_seconds = cpu_seconds + $2::double precision WHERE id = $1",
          {job_id, seconds}, "recording CPU time");
      if (!r) return pitchreel::fail(r.error());
      return {};
    });
  }

  Result<std::optional<Video>> complete(std::string_view job_id, std::string_view worker_id,
                                        Video video, std::int64_t now) override {
    if (video.id.empty()) video.id = new_uuid();
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Video>> {
      // One statement, one round trip: lock the job if this worker still owns it, insert the
      // video from the job's row, mark the job succeeded only if the video went in. With no
      // owned job, nothing is inserted or updated and no row comes back.
      auto r = c.query(
          fmt::format(
              "WITH j AS (SELECT organization_id, product_id, gpu_seconds, cpu_seconds, batch_id "
              "  FROM jobs WHERE {} FOR UPDATE), "
              "v AS (INSERT INTO videos ({}) SELECT $3, j.organization_id, $1, "
              "  COALESCE(NULLIF($4, ''), j.product_id), $5, $6, $7, $8, $9::bigint, "
              "  $10::double precision, $11::integer, $12::integer, $13::bigint, j.gpu_seconds, "
              "  $14::jsonb, j.cpu_seconds, j.batch_id FROM j RETURNING {}), "
              "u AS (UPDATE jobs SET status = 'succeeded', stage = 'done', progress = 1, "
              "  video_id = $3, lease_owner = NULL, lease_expires_at = NULL, error_code = NULL, "
              "  error_message = NULL, video_seconds = $10::double precision, "
              "  updated_at = $13::bigint "
              "  WHERE id = $1 AND EXISTS (SELECT 1 FROM v)) "
              "SELECT * FROM v",
              kOwnedBy, kVideoColumns, kVideoColumns),
          {job_id, worker_id, video.id, video.product_id, video.video_key, video.poster_key,
           video.captions_key, video.file_name, video.size, video.duration,
           std::int64_t{video.width}, std::int64_t{video.height}, now,
           warnings_to_json(video.warnings)},
          "completing a job");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<Video>{};  // lease lost: nothing written
      return std::optional<Video>{pg_read_video(*r, 0)};
    });
  }

  Result<std::optional<JobStatus>> fail(std::string_view job_id, std::string_view worker_id,
                                        std::string_view code, std::string_view message,
                                        bool retryable, std::int64_t backoff_seconds,
                                        std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<JobStatus>> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto row = c.query(fmt::format("SELECT attempts, max_attempts, cancel_requested FROM jobs "
                                     "WHERE {} FOR UPDATE",
                                     kOwnedBy),
                         {job_id, worker_id}, "recording a failed attempt");
      if (!row) return pitchreel::fail(row.error());
      if (row->rows() == 0) return std::optional<JobStatus>{};  // lease lost
      const JobStatus next = row->boolean(0, 2) ? JobStatus::kCanceled
                             : retryable && row->int64(0, 0) < row->int64(0, 1)
                                 ? JobStatus::kQueued
                                 : JobStatus::kFailed;
      const std::int64_t not_before =
          next == JobStatus::kQueued ? now + std::max<std::int64_t>(backoff_seconds, 0) : now;
      auto upd = c.query(
          "UPDATE jobs SET status = $2, stage = $2, progress = 0, lease_owner = NULL, "
          "lease_expires_at = NULL, not_before = $3::bigint, error_code = $4, error_message = $5, "
          "updated_at = $6::bigint WHERE id = $1",
          {job_id, to_string(next), not_before, code, message, now}, "recording a failed attempt");
      if (!upd) return pitchreel::fail(upd.error());
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return std::optional<JobStatus>{next};
    });
  }

  Result<bool> finish_canceled(std::string_view job_id, std::string_view worker_id,
                               std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      auto r = c.query(fmt::format("UPDATE jobs SET status = 'canceled', stage = 'canceled', "
                                   "lease_owner = NULL, lease_expires_at = NULL, "
                                   "updated_at = $3::bigint WHERE {}",
                                   kOwnedBy),
                       {job_id, worker_id, now}, "canceling a running job");
      if (!r) return pitchreel::fail(r.error());
      return r->affected() > 0;
    });
  }

  Result<std::int64_t> requeue_expired(std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::int64_t> {
      auto r = c.query(
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
          "progress = 0, lease_owner = NULL, lease_expires_at = NULL, not_before = $1::bigint, "
          "updated_at = $1::bigint "
          "WHERE status = 'running' AND lease_expires_at < $1::bigint",
          {now}, "requeuing expired leases");
      if (!r) return pitchreel::fail(r.error());
      return r->affected();
    });
  }

  Result<std::int64_t> requeue_owned(std::string_view worker_id, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::int64_t> {
      auto r = c.query(
          "UPDATE jobs SET "
          "status = CASE WHEN cancel_requested THEN 'canceled' ELSE 'queued' END, "
          "stage = CASE WHEN cancel_requested THEN 'canceled' ELSE 'queued' END, "
          "attempts = GREATEST(attempts - 1, 0), progress = 0, lease_owner = NULL, "
          "lease_expires_at = NULL, not_before = $2::bigint, updated_at = $2::bigint "
          "WHERE status = 'running' AND lease_owner = $1",
          {worker_id, now}, "requeuing a worker's jobs");
      if (!r) return pitchreel::fail(r.error());
      return r->affected();
    });
  }

 private:
  PgPool& pool_;
};

}  // namespace

std::unique_ptr<JobRepository> make_pg_jobs(PgPool& pool) { return std::make_unique<PgJobs>(pool); }
std::unique_ptr<JobQueue> make_pg_queue(PgPool& pool) { return std::make_unique<PgQueue>(pool); }

}  // namespace pitchreel::db
