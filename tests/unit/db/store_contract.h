// The store contract fixture: every suite using it runs against the SQLite store and against
// the PostgreSQL store (a private PostgreSQL 15 cluster, tests/support/pg_cluster.h, one
// schema per test). "Nodes" are separate Store objects on one database: separate
// connections, as separate processes would have. Instantiate a suite with
// PITCHREEL_STORE_CONTRACT_ENGINES(Suite).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/pg_store.h"
#include "db/sqlite_store.h"
#include "db/store.h"
#include "support/pg_cluster.h"
#include "support/test_support.h"

namespace pitchreel::db {

enum class Engine { kSqlite, kPostgres };

class StoreContract : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      auto& cluster = testing::shared_pg_cluster();
      if (!cluster.ready()) GTEST_SKIP() << "no PostgreSQL test cluster: " << cluster.error();
      schema_ = testing::fresh_schema();
    }
    store_ = open_node();
    ASSERT_TRUE(store_);
    org_ = store().orgs().create("Acme", 1).value();
    user_ = store().users().create(org_.id, "a@acme.test", Role::kAdmin, 1).value();
  }

  // A new connection to the same database, as another node would open it.
  std::unique_ptr<Store> open_node() {
    if (GetParam() == Engine::kSqlite) {
      auto s = open_sqlite_store(dir_ / "pitchreel.db");
      EXPECT_TRUE(s) << s.error().message;
      return s ? std::move(*s) : nullptr;
    }
    PgStoreOptions o;
    o.target = parse_database_url(testing::shared_pg_cluster().url()).value();
    o.schema = schema_;
    auto s = open_pg_store(o);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  Store& store() { return *store_; }

  Job enqueue(std::int64_t now, int max_attempts = 3, std::string key = "") {
    auto r = store().jobs().create({org_.id, user_.id, "{}", "p1", std::move(key), max_attempts, {}},
                                   now);
    EXPECT_TRUE(r) << r.error().message;
    return r->job;
  }
  Job get(const std::string& id) { return store().jobs().get(id, org_.id).value().value(); }
  std::vector<JobStatus> statuses_of(const std::string& job_id) {
    std::vector<JobStatus> out;
    const auto events = store().events().for_job(job_id).value();
    for (const auto& e : events) out.push_back(e.status);
    return out;
  }
  static Video video() {
    Video v;
    v.video_key = "org/videos/a.mp4";
    v.file_name = "a.mp4";
    v.size = 1234;
    v.duration = 12.5;
    v.width = 720;
    v.height = 1280;
    v.warnings = {{"low_resolution_image", "The photo is 320x240 \"px\": upload one of 1000 px, ü"},
                  {"tts_fallback", "edge:de-DE-KatjaNeural was unavailable"}};
    return v;
  }

  testing::TempDir dir_;
  std::string schema_;
  std::unique_ptr<Store> store_;
  Organization org_;
  User user_;
};

#define PITCHREEL_STORE_CONTRACT_ENGINES(Suite)                                        \
  INSTANTIATE_TEST_SUITE_P(Engines, Suite,                                                \
                           ::testing::Values(Engine::kSqlite, Engine::kPostgres),        \
                           [](const ::testing::TestParamInfo<Engine>& p) {               \
                             return p.param == Engine::kSqlite ? "Sqlite" : "Postgres"; \
                           })

}  // namespace pitchreel::db
