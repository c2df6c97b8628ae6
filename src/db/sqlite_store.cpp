#include "db/sqlite_store.h"

#include "db/api_key_repository.h"
#include "db/batch_repository.h"
#include "db/usage_repository.h"
#include "db/job_queue.h"
#include "db/job_repository.h"
#include "db/org_repository.h"
#include "db/user_repository.h"
#include "db/video_repository.h"
#include "db/webhook_repository.h"

namespace pitchreel::db {
namespace {

class SqliteOrgs final : public OrgRepository {
 public:
  explicit SqliteOrgs(Database& db) : db_(db) {}
  Result<Organization> create(std::string_view name, std::int64_t now) override {
    return orgs::create(db_, name, now);
  }
  Result<std::optional<Organization>> get(std::string_view id) override {
    return orgs::get(db_, id);
  }
  Result<std::optional<Organization>> find_by_name(std::string_view name) override {
    return orgs::find_by_name(db_, name);
  }
  Result<std::vector<Organization>> list() override { return orgs::list(db_); }

 private:
  Database& db_;
};

class SqliteUsers final : public UserRepository {
 public:
  explicit SqliteUsers(Database& db) : db_(db) {}
  Result<User> create(std::string_view organization_id, std::string_view email, Role role,
                      std::int64_t now, std::optional<std::string> id) override {
    return users::create(db_, organization_id, email, role, now, std::move(id));
  }
  Result<std::optional<User>> get(std::string_view id) override { return users::get(db_, id); }
  Result<std::vector<User>> list(std::string_view organization_id) override {
    return users::list(db_, organization_id);
  }
  Result<std::optional<User>> move_to_organization(std::string_view id,
                                                   std::string_view organization_id,
                                                   std::int64_t now) override {
    return users::move_to_organization(db_, id, organization_id, now);
  }

 private:
  Database& db_;
};

class SqliteApiKeys final : public ApiKeyRepository {
 public:
  explicit SqliteApiKeys(Database& db) : db_(db) {}
  Result<std::string> store(std::string_view user_id, std::string_view prefix,
                            std::string_view hash, std::int64_t now) override {
    return api_keys::store(db_, user_id, prefix, hash, now);
  }
  Result<std::optional<api_keys::KeyMatch>> find_active_by_hash(std::string_view hash) override {
    return api_keys::find_active_by_hash(db_, hash);
  }
  Result<bool> revoke(std::string_view key_id, std::optional<std::string_view> organization_id,
                      std::int64_t now) override {
    return api_keys::revoke(db_, key_id, organization_id, now);
  }
  Result<std::vector<api_keys::ApiKey>> list_for_user(std::string_view user_id) override {
    return api_keys::list_for_user(db_, user_id);
  }
  Result<std::vector<api_keys::ApiKey>> list_for_org(std::string_view organization_id) override {
    return api_keys::list_for_org(db_, organization_id);
  }
  Status touch(std::string_view key_id, std::int64_t now) override {
    return api_keys::touch(db_, key_id, now);
  }

 private:
  Database& db_;
};

class SqliteJobs final : public JobRepository {
 public:
  explicit SqliteJobs(Database& db) : db_(db) {}
  Result<jobs::CreatedJob> create(const jobs::NewJob& job, std::int64_t now) override {
    return jobs::create(db_, job, now);
  }
  Result<std::optional<Job>> find_by_idempotency_key(std::string_view user_id,
                                                     std::string_view key) override {
    return jobs::find_by_idempotency_key(db_, user_id, key);
  }
  Result<std::optional<Job>> get(std::string_view job_id,
                                 std::string_view organization_id) override {
    return jobs::get(db_, job_id, organization_id);
  }
  Result<jobs::CancelOutcome> cancel(std::string_view job_id, std::string_view organization_id,
                                     std::int64_t now) override {
    return jobs::cancel(db_, job_id, organization_id, now);
  }
  Result<std::int64_t> queue_depth() override { return jobs::queue_depth(db_); }
  Result<std::optional<std::int64_t>> position_in_queue(std::string_view job_id) override {
    return jobs::position_in_queue(db_, job_id);
  }
  Result<std::map<JobStatus, std::int64_t>> count_by_status() override {
    return jobs::count_by_status(db_);
  }
  Status check_admission(const jobs::NewJob& job, std::int64_t now) override {
    return jobs::check_admission(db_, job, now);
  }
  Result<std::int64_t> count_jobs_since(std::string_view user_id, std::int64_t since) override {
    return jobs::count_jobs_since(db_, user_id, since);
  }
  Result<std::int64_t> count_org_jobs_since(std::string_view organization_id,
                                            std::int64_t since) override {
    return jobs::count_org_jobs_since(db_, organization_id, since);
  }

 private:
  Database& db_;
};

class SqliteQueue final : public JobQueue {
 public:
  explicit SqliteQueue(Database& db) : db_(db) {}
  Result<std::optional<jobs::ClaimedJob>> claim_next(std::string_view worker_id,
                                                     std::int64_t lease_seconds,
                                                     std::int64_t now) override {
    return jobs::claim_next(db_, worker_id, lease_seconds, now);
  }
  Result<jobs::LeaseState> heartbeat(std::string_view job_id, std::string_view worker_id,
                                     std::int64_t lease_seconds, std::string_view stage,
                                     double progress, std::int64_t now) override {
    return jobs::heartbeat(db_, job_id, worker_id, lease_seconds, stage, progress, now);
  }
  Status add_gpu_seconds(std::string_view job_id, double seconds) override {
    return jobs::add_gpu_seconds(db_, job_id, seconds);
  }
  Status add_cpu_seconds(std::string_view job_id, double seconds) override {
    return jobs::add_cpu_seconds(db_, job_id, seconds);
  }
  Result<std::optional<Video>> complete(std::string_view job_id, std::string_view worker_id,
                                        Video video, std::int64_t now) override {
    return jobs::complete(db_, job_id, worker_id, std::move(video), now);
  }
  Result<std::optional<JobStatus>> fail(std::string_view job_id, std::string_view worker_id,
                                        std::string_view code, std::string_view message,
                                        bool retryable, std::int64_t backoff_seconds,
                                        std::int64_t now) override {
    return jobs::fail(db_, job_id, worker_id, code, message, retryable, backoff_seconds, now);
  }
  Result<bool> finish_canceled(std::string_view job_id, std::string_view worker_id,
                               std::int64_t now) override {
    return jobs::finish_canceled(db_, job_id, worker_id, now);
  }
  Result<std::int64_t> requeue_expired(std::int64_t now) override {
    return jobs::requeue_expired(db_, now);
  }
  Result<std::int64_t> requeue_owned(std::string_view worker_id, std::int64_t now) override {
    return jobs::requeue_owned(db_, worker_id, now);
  }

 private:
  Database& db_;
};

class SqliteVideos final : public VideoRepository {
 public:
  explicit SqliteVideos(Database& db) : db_(db) {}
  Result<std::optional<Video>> get(std::string_view id,
                                   std::string_view organization_id) override {
    return videos::get(db_, id, organization_id);
  }
  Result<videos::VideoPage> list(std::string_view organization_id,
                                 std::optional<std::string_view> product_id, int limit,
                                 std::string_view cursor) override {
    return videos::list(db_, organization_id, product_id, limit, cursor);
  }
  Result<std::optional<Video>> remove(std::string_view id,
                                      std::string_view organization_id) override {
    return videos::remove(db_, id, organization_id);
  }

 private:
  Database& db_;
};

class SqliteBatches final : public BatchRepository {
 public:
  explicit SqliteBatches(Database& db) : db_(db) {}
  Result<batches::CreateOutcome> create(const batches::NewBatch& batch,
                                        std::int64_t now) override {
    return batches::create(db_, batch, now);
  }
  Result<std::optional<batches::Batch>> get(std::string_view id,
                                            std::string_view organization_id) override {
    return batches::get(db_, id, organization_id);
  }
  Result<std::vector<batches::Batch>> list(std::string_view organization_id, int limit) override {
    return batches::list(db_, organization_id, limit);
  }
  Result<std::vector<batches::Item>> items(std::string_view id,
                                           std::string_view organization_id) override {
    return batches::items(db_, id, organization_id);
  }
  Result<bool> cancel(std::string_view id, std::string_view organization_id,
                      std::int64_t now) override {
    return batches::cancel(db_, id, organization_id, now);
  }

 private:
  Database& db_;
};

class SqliteUsage final : public UsageRepository {
 public:
  explicit SqliteUsage(Database& db) : db_(db) {}
  Result<std::vector<usage::Day>> by_day(std::string_view organization_id, std::int64_t from,
                                         std::int64_t to) override {
    return usage::by_day(db_, organization_id, from, to);
  }
  Result<std::int64_t> stored_bytes(std::string_view organization_id) override {
    return usage::stored_bytes(db_, organization_id);
  }
  Result<std::vector<usage::OrgTotals>> totals() override { return usage::totals(db_); }

 private:
  Database& db_;
};

jobs::JobEvent read_event(const Statement& s) {
  jobs::JobEvent e;
  e.id = s.column_int64(0);
  e.job_id = s.column_text(1);
  e.organization_id = s.column_text(2);
  e.status = parse_job_status(s.column_text(3)).value_or(JobStatus::kFailed);
  e.error_code = s.column_text(4);
  e.video_id = s.column_text(5);
  e.created_at = s.column_int64(6);
  return e;
}

constexpr std::string_view kEventColumns =
    "SELECT id, job_id, organization_id, status, error_code, video_id, created_at FROM job_events ";

class SqliteEvents final : public JobEventLog {
 public:
  explicit SqliteEvents(Database& db) : db_(db) {}
  Result<std::vector<jobs::JobEvent>> after(std::int64_t after_id, int limit) override {
    Connection conn = db_.connect();
    auto stmt = conn.prepare(std::string(kEventColumns) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_all({after_id, std::int64_t{limit}}); !s) {
      return pitchreel::fail(s.error());
    }
    return collect_rows(*stmt, read_event);
  }
  Result<std::vector<jobs::JobEvent>> for_job(std::string_view job_id) override {
    Connection conn = db_.connect();
    auto stmt = conn.prepare(std::string(kEventColumns) + "WHERE job_id = ?1 ORDER BY id");
    if (!stmt) return pitchreel::fail(stmt.error());
    if (auto s = stmt->bind_text(1, job_id); !s) return pitchreel::fail(s.error());
    return collect_rows(*stmt, read_event);
  }

 private:
  Database& db_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Database> owned, Database& db)
      : owned_(std::move(owned)), db_(db), orgs_(db), users_(db), keys_(db), jobs_(db),
        queue_(db), videos_(db), events_(db), webhooks_(make_sqlite_webhooks(db)), batches_(db),
        usage_(db) {}
  OrgRepository& orgs() override { return orgs_; }
  UserRepository& users() override { return users_; }
  ApiKeyRepository& api_keys() override { return keys_; }
  JobRepository& jobs() override { return jobs_; }
  JobQueue& queue() override { return queue_; }
  VideoRepository& videos() override { return videos_; }
  JobEventLog& events() override { return events_; }
  WebhookStore& webhooks() override { return *webhooks_; }
  BatchRepository& batches() override { return batches_; }
  UsageRepository& usage() override { return usage_; }
  std::string_view engine() const override { return "sqlite"; }
  Status ping() override {
    Connection conn = db_.connect();
    return conn.exec("SELECT 1");
  }

 private:
  std::unique_ptr<Database> owned_;  // null when borrowed
  Database& db_;
  SqliteOrgs orgs_;
  SqliteUsers users_;
  SqliteApiKeys keys_;
  SqliteJobs jobs_;
  SqliteQueue queue_;
  SqliteVideos videos_;
  SqliteEvents events_;
  std::unique_ptr<WebhookStore> webhooks_;
  SqliteBatches batches_;
  SqliteUsage usage_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path) {
  auto db = Database::open(path);
  if (!db) return pitchreel::fail(db.error());
  Database& ref = **db;
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db), ref));
}

std::unique_ptr<Store> sqlite_store_over(Database& db) {
  return std::make_unique<SqliteStore>(nullptr, db);
}

}  // namespace pitchreel::db
