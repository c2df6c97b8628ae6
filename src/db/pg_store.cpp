#include "db/pg_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "db/ids.h"
#include "db/page_cursor.h"
#include "db/pg_migrations.h"
#include "db/pg_pool.h"
#include "db/pg_rows.h"

namespace pitchreel::db {
namespace {

// Runs `f(PgConnection&)` on a pooled connection.
template <typename F>
auto with_conn(PgPool& pool, F f) -> decltype(f(std::declval<PgConnection&>())) {
  auto lease = pool.acquire();
  if (!lease) return pitchreel::fail(lease.error());
  return f(**lease);
}

// ---- organisations, users, API keys

constexpr std::string_view kOrgColumns = "id, name, created_at";

Organization read_org(const PgResult& r, int row) {
  return {r.text(row, 0), r.text(row, 1), r.int64(row, 2)};
}

class PgOrgs final : public OrgRepository {
 public:
  explicit PgOrgs(PgPool& pool) : pool_(pool) {}

  Result<Organization> create(std::string_view name, std::int64_t now) override {
    if (name.empty()) {
      return pitchreel::fail(
          Error::invalid("organization_name_empty", "An organization needs a name."));
    }
    Organization org{new_uuid(), std::string(name), now};
    return with_conn(pool_, [&](PgConnection& c) -> Result<Organization> {
      // ON CONFLICT: of two nodes creating one name, the loser sees organization_exists.
      auto r = c.query(
          "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3::bigint) "
          "ON CONFLICT DO NOTHING",
          {org.id, org.name, now}, "creating an organization");
      if (!r) return pitchreel::fail(r.error());
      if (r->affected() == 0) {
        return pitchreel::fail(Error::invalid(
            "organization_exists", fmt::format("An organization named '{}' already exists.", name)));
      }
      return org;
    });
  }
  Result<std::optional<Organization>> get(std::string_view id) override {
    return find_one("id", id);
  }
  Result<std::optional<Organization>> find_by_name(std::string_view name) override {
    return find_one("name", name);
  }
  Result<std::vector<Organization>> list() override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<Organization>> {
      auto r = c.query(fmt::format("SELECT {} FROM organizations ORDER BY created_at, seq",
                                   kOrgColumns),
                       {}, "listing organizations");
      if (!r) return pitchreel::fail(r.error());
      std::vector<Organization> out;
      for (int i = 0; i < r->rows(); ++i) out.push_back(read_org(*r, i));
      return out;
    });
  }

 private:
  Result<std::optional<Organization>> find_one(std::string_view column, std::string_view value) {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Organization>> {
      auto r = c.query(
          fmt::format("SELECT {} FROM organizations WHERE {} = $1", kOrgColumns, column), {value},
          "reading an organization");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<Organization>{};
      return std::optional<Organization>{read_org(*r, 0)};
    });
  }
  PgPool& pool_;
};

constexpr std::string_view kUserColumns = "id, organization_id, email, role, created_at";

User read_user(const PgResult& r, int row) {
  return {r.text(row, 0), r.text(row, 1), r.text(row, 2),
          parse_role(r.text(row, 3)).value_or(Role::kMember), r.int64(row, 4)};
}

class PgUsers final : public UserRepository {
 public:
  explicit PgUsers(PgPool& pool) : pool_(pool) {}

  Result<User> create(std::string_view organization_id, std::string_view email, Role role,
                      std::int64_t now, std::optional<std::string> id) override {
    User user{id && !id->empty() ? std::move(*id) : new_uuid(), std::string(organization_id),
              std::string(email), role, now};
    return with_conn(pool_, [&](PgConnection& c) -> Result<User> {
      // One statement: the organisation check and the insert see one snapshot, and the
      // primary key decides a race on the id.
      auto r = c.query(
          "WITH org AS (SELECT id FROM organizations WHERE id = $2), "
          "ins AS (INSERT INTO users (id, organization_id, email, role, created_at) "
          "  SELECT $1, id, $3, $4, $5::bigint FROM org ON CONFLICT DO NOTHING RETURNING 1) "
          "SELECT (SELECT COUNT(*) FROM org), (SELECT COUNT(*) FROM ins)",
          {user.id, organization_id, user.email, to_string(role), now}, "creating a user");
      if (!r) return pitchreel::fail(r.error());
      if (r->int64(0, 0) == 0) {
        return pitchreel::fail(Error::invalid(
            "organization_not_found",
            fmt::format("No organization has the id '{}'.", organization_id)));
      }
      if (r->int64(0, 1) == 0) {
        return pitchreel::fail(Error::invalid(
            "user_exists", fmt::format("A user with the id '{}' already exists.", user.id)));
      }
      return user;
    });
  }
  Result<std::optional<User>> get(std::string_view id) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<User>> {
      auto r = c.query(fmt::format("SELECT {} FROM users WHERE id = $1", kUserColumns), {id},
                       "reading a user");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<User>{};
      return std::optional<User>{read_user(*r, 0)};
    });
  }
  Result<std::vector<User>> list(std::string_view organization_id) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<User>> {
      auto r = c.query(fmt::format("SELECT {} FROM users WHERE organization_id = $1 "
                                   "ORDER BY created_at, seq",
                                   kUserColumns),
                       {organization_id}, "listing users");
      if (!r) return pitchreel::fail(r.error());
      std::vector<User> out;
      for (int i = 0; i < r->rows(); ++i) out.push_back(read_user(*r, i));
      return out;
    });
  }
  Result<std::optional<User>> move_to_organization(std::string_view id,
                                                   std::string_view organization_id,
                                                   std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<User>> {
      // One statement: the user row is locked (a second mover waits, then sees the new
      // organisation and changes nothing), moved only when it is elsewhere, and its keys
      // revoked only then. Column 0 says whether the organisation exists.
      auto r = c.query(
          fmt::format(
              "WITH org AS (SELECT id FROM organizations WHERE id = $2), "
              "cur AS (SELECT {} FROM users WHERE id = $1 FOR UPDATE), "
              "mv AS (UPDATE users u SET organization_id = org.id FROM org, cur "
              "  WHERE u.id = cur.id AND cur.organization_id <> org.id RETURNING u.id), "
              "keys AS (UPDATE api_keys SET revoked_at = $3::bigint "
              "  WHERE user_id IN (SELECT id FROM mv) AND revoked_at IS NULL) "
              "SELECT (SELECT COUNT(*) FROM org), cur.* FROM (SELECT 1) one "
              "LEFT JOIN cur ON true",
              kUserColumns),
          {id, organization_id, now}, "moving a user");
      if (!r) return pitchreel::fail(r.error());
      if (r->int64(0, 0) == 0) {
        return pitchreel::fail(Error::invalid(
            "organization_not_found",
            fmt::format("No organization has the id '{}'.", organization_id)));
      }
      if (r->is_null(0, 1)) return std::optional<User>{};
      User user{r->text(0, 1), std::string(organization_id), r->text(0, 3),
                parse_role(r->text(0, 4)).value_or(Role::kMember), r->int64(0, 5)};
      return std::optional<User>{std::move(user)};
    });
  }

 private:
  PgPool& pool_;
};

constexpr std::string_view kKeyColumns =
    "k.id, k.user_id, k.prefix, k.created_at, k.revoked_at, k.last_used_at";

api_keys::ApiKey read_key(const PgResult& r, int row) {
  return {r.text(row, 0), r.text(row, 1), r.text(row, 2), r.int64(row, 3),
          r.optional_int64(row, 4), r.optional_int64(row, 5)};
}

class PgApiKeys final : public ApiKeyRepository {
 public:
  explicit PgApiKeys(PgPool& pool) : pool_(pool) {}

  Result<std::string> store(std::string_view user_id, std::string_view prefix,
                            std::string_view hash, std::int64_t now) override {
    std::string id = new_uuid();
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::string> {
      auto r = c.query(
          "WITH u AS (SELECT id FROM users WHERE id = $2), "
          "ins AS (INSERT INTO api_keys (id, user_id, prefix, hash, created_at) "
          "  SELECT $1, id, $3, $4, $5::bigint FROM u ON CONFLICT DO NOTHING RETURNING 1) "
          "SELECT (SELECT COUNT(*) FROM u), (SELECT COUNT(*) FROM ins)",
          {id, user_id, prefix, hash, now}, "storing an API key");
      if (!r) return pitchreel::fail(r.error());
      if (r->int64(0, 0) == 0) {
        return pitchreel::fail(
            Error::invalid("user_not_found", fmt::format("No user has the id '{}'.", user_id)));
      }
      if (r->int64(0, 1) == 0) {
        return pitchreel::fail(Error::invalid("api_key_exists", "This API key is already stored."));
      }
      return id;
    });
  }
  Result<std::optional<api_keys::KeyMatch>> find_active_by_hash(std::string_view hash) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<api_keys::KeyMatch>> {
      auto r = c.query(
          "SELECT k.id, u.id, u.organization_id, u.role, k.last_used_at FROM api_keys k "
          "JOIN users u ON u.id = k.user_id WHERE k.hash = $1 AND k.revoked_at IS NULL",
          {hash}, "looking up an API key");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<api_keys::KeyMatch>{};
      return std::optional<api_keys::KeyMatch>{api_keys::KeyMatch{
          r->text(0, 0),
          Principal{r->text(0, 1), r->text(0, 2),
                    parse_role(r->text(0, 3)).value_or(Role::kMember)},
          r->optional_int64(0, 4)}};
    });
  }
  Result<bool> revoke(std::string_view key_id, std::optional<std::string_view> organization_id,
                      std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      const PgValue org = organization_id ? PgValue{*organization_id} : PgValue{nullptr};
      auto r = c.query(
          "UPDATE api_keys SET revoked_at = $3::bigint WHERE id = $1 AND revoked_at IS NULL "
          "AND ($2::text IS NULL OR user_id IN (SELECT id FROM users WHERE organization_id = $2))",
          {key_id, org, now}, "revoking an API key");
      if (!r) return pitchreel::fail(r.error());
      return r->affected() > 0;
    });
  }
  Result<std::vector<api_keys::ApiKey>> list_for_user(std::string_view user_id) override {
    return list(fmt::format("SELECT {} FROM api_keys k WHERE k.user_id = $1 "
                            "ORDER BY k.created_at DESC, k.seq DESC",
                            kKeyColumns),
                user_id);
  }
  Result<std::vector<api_keys::ApiKey>> list_for_org(std::string_view organization_id) override {
    return list(fmt::format("SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id "
                            "WHERE u.organization_id = $1 ORDER BY k.created_at DESC, k.seq DESC",
                            kKeyColumns),
                organization_id);
  }
  Status touch(std::string_view key_id, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Status {
      auto r = c.query(
          "UPDATE api_keys SET last_used_at = $2::bigint WHERE id = $1 "
          "AND (last_used_at IS NULL OR last_used_at <= $2::bigint - $3::bigint)",
          {key_id, now, api_keys::kTouchGranularitySeconds}, "recording an API key's use");
      if (!r) return pitchreel::fail(r.error());
      return {};
    });
  }

 private:
  Result<std::vector<api_keys::ApiKey>> list(const std::string& sql, std::string_view id) {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<api_keys::ApiKey>> {
      auto r = c.query(sql, {id}, "listing API keys");
      if (!r) return pitchreel::fail(r.error());
      std::vector<api_keys::ApiKey> out;
      for (int i = 0; i < r->rows(); ++i) out.push_back(read_key(*r, i));
      return out;
    });
  }
  PgPool& pool_;
};

// ---- videos and events

class PgVideos final : public VideoRepository {
 public:
  explicit PgVideos(PgPool& pool) : pool_(pool) {}

  Result<std::optional<Video>> get(std::string_view id,
                                   std::string_view organization_id) override {
    return one(fmt::format("SELECT {} FROM videos WHERE id = $1 AND organization_id = $2",
                           kVideoColumns),
               id, organization_id, "reading a video");
  }
  Result<videos::VideoPage> list(std::string_view organization_id,
                                 std::optional<std::string_view> product_id, int limit,
                                 std::string_view cursor) override {
    std::optional<PageCursor> after;
    if (!cursor.empty()) {
      auto decoded = decode_cursor(cursor);
      if (!decoded) return pitchreel::fail(decoded.error());
      after = std::move(*decoded);
    }
    limit = std::clamp(limit, 1, videos::kMaxPageSize);
    // PostgreSQL refuses parameters a statement does not use, so they are numbered as added.
    std::vector<PgValue> params{organization_id};
    std::string sql =
        fmt::format("SELECT {} FROM videos WHERE organization_id = $1", kVideoColumns);
    if (product_id) {
      params.emplace_back(*product_id);
      sql += fmt::format(" AND product_id = ${}", params.size());
    }
    if (after) {
      params.emplace_back(after->created_at);
      params.emplace_back(std::string_view(after->id));
      sql += fmt::format(" AND (created_at, id) < (${}::bigint, ${})", params.size() - 1,
                         params.size());
    }
    params.emplace_back(std::int64_t{limit} + 1);  // one extra row: is there another page?
    sql += fmt::format(" ORDER BY created_at DESC, id DESC LIMIT ${}::bigint", params.size());
    return with_conn(pool_, [&](PgConnection& c) -> Result<videos::VideoPage> {
      auto r = c.query(sql, params, "listing videos");
      if (!r) return pitchreel::fail(r.error());
      videos::VideoPage page;
      for (int i = 0; i < r->rows(); ++i) page.videos.push_back(pg_read_video(*r, i));
      if (page.videos.size() > static_cast<std::size_t>(limit)) {
        page.videos.resize(static_cast<std::size_t>(limit));
        page.next_cursor = encode_cursor({page.videos.back().created_at, page.videos.back().id});
      }
      return page;
    });
  }
  Result<std::optional<Video>> remove(std::string_view id,
                                      std::string_view organization_id) override {
    return one(fmt::format("DELETE FROM videos WHERE id = $1 AND organization_id = $2 "
                           "RETURNING {}",
                           kVideoColumns),
               id, organization_id, "deleting a video");
  }

 private:
  Result<std::optional<Video>> one(const std::string& sql, std::string_view id,
                                   std::string_view org, std::string_view what) {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Video>> {
      auto r = c.query(sql, {id, org}, what);
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<Video>{};
      return std::optional<Video>{pg_read_video(*r, 0)};
    });
  }
  PgPool& pool_;
};

class PgEvents final : public JobEventLog {
 public:
  explicit PgEvents(PgPool& pool) : pool_(pool) {}
  Result<std::vector<jobs::JobEvent>> after(std::int64_t after_id, int limit) override {
    return read("WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint",
                {after_id, std::int64_t{limit}});
  }
  Result<std::vector<jobs::JobEvent>> for_job(std::string_view job_id) override {
    return read("WHERE job_id = $1 ORDER BY id", {job_id});
  }

 private:
  Result<std::vector<jobs::JobEvent>> read(std::string_view where,
                                           std::initializer_list<PgValue> params) {
    const std::string sql = fmt::format(
        "SELECT id, job_id, organization_id, status, error_code, video_id, created_at "
        "FROM job_events {}",
        where);
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<jobs::JobEvent>> {
      auto r = c.query(sql, params, "reading job events");
      if (!r) return pitchreel::fail(r.error());
      std::vector<jobs::JobEvent> out;
      for (int i = 0; i < r->rows(); ++i) {
        jobs::JobEvent e;
        e.id = r->int64(i, 0);
        e.job_id = r->text(i, 1);
        e.organization_id = r->text(i, 2);
        e.status = parse_job_status(r->text(i, 3)).value_or(JobStatus::kFailed);
        e.error_code = r->text(i, 4);
        e.video_id = r->text(i, 5);
        e.created_at = r->int64(i, 6);
        out.push_back(std::move(e));
      }
      return out;
    });
  }
  PgPool& pool_;
};

}  // namespace

// pg_jobs.cpp
std::unique_ptr<JobRepository> make_pg_jobs(PgPool& pool);
std::unique_ptr<JobQueue> make_pg_queue(PgPool& pool);
// pg_webhooks.cpp
std::unique_ptr<WebhookStore> make_pg_webhooks(PgPool& pool);
std::unique_ptr<BatchRepository> make_pg_batches(PgPool& pool);  // pg_batches.cpp
std::unique_ptr<UsageRepository> make_pg_usage(PgPool& pool);

namespace {

class PgStore final : public Store {
 public:
  explicit PgStore(std::unique_ptr<PgPool> pool)
      : pool_(std::move(pool)), orgs_(*pool_), users_(*pool_), keys_(*pool_),
        jobs_(make_pg_jobs(*pool_)), queue_(make_pg_queue(*pool_)), videos_(*pool_),
        events_(*pool_), webhooks_(make_pg_webhooks(*pool_)), batches_(make_pg_batches(*pool_)),
        usage_(make_pg_usage(*pool_)) {}
  OrgRepository& orgs() override { return orgs_; }
  UserRepository& users() override { return users_; }
  ApiKeyRepository& api_keys() override { return keys_; }
  JobRepository& jobs() override { return *jobs_; }
  JobQueue& queue() override { return *queue_; }
  VideoRepository& videos() override { return videos_; }
  JobEventLog& events() override { return events_; }
  WebhookStore& webhooks() override { return *webhooks_; }
  BatchRepository& batches() override { return *batches_; }
  UsageRepository& usage() override { return *usage_; }
  std::string_view engine() const override { return "postgresql"; }
  Status ping() override {
    return with_conn(*pool_, [](PgConnection& c) { return c.exec("SELECT 1", "pinging"); });
  }

 private:
  std::unique_ptr<PgPool> pool_;
  PgOrgs orgs_;
  PgUsers users_;
  PgApiKeys keys_;
  std::unique_ptr<JobRepository> jobs_;
  std::unique_ptr<JobQueue> queue_;
  PgVideos videos_;
  PgEvents events_;
  std::unique_ptr<WebhookStore> webhooks_;
  std::unique_ptr<BatchRepository> batches_;
  std::unique_ptr<UsageRepository> usage_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_pg_store(const PgStoreOptions& options) {
  if (auto s = validate_schema_name(options.schema); !s) return pitchreel::fail(s.error());
  {
    auto conn = PgConnection::connect(options.target, options.schema);
    if (!conn) return pitchreel::fail(conn.error());
    if (auto s = apply_pg_migrations(*conn, options.schema); !s) return pitchreel::fail(s.error());
  }
  return std::unique_ptr<Store>(std::make_unique<PgStore>(
      std::make_unique<PgPool>(options.target, options.schema, options.max_connections)));
}

}  // namespace pitchreel::db
