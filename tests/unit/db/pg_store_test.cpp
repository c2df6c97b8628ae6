// What only the PostgreSQL engine has: connection errors, migrations under a lock by nodes
// starting together, a newer schema refused, and surviving a database outage.
#include <gtest/gtest.h>

#include <thread>

#include "db/pg_connection.h"
#include "db/pg_migrations.h"
#include "db/open_store.h"
#include "db/pg_store.h"
#include "support/pg_cluster.h"

namespace pitchreel::db {
namespace {

PgStoreOptions options_for(const std::string& url, const std::string& schema) {
  PgStoreOptions o;
  o.target = parse_database_url(url).value();
  o.schema = schema;
  return o;
}

TEST(PgStore, NodesStartingTogetherMigrateOnce) {
  PITCHREEL_REQUIRE_PG(cluster);
  const std::string schema = testing::fresh_schema();
  std::vector<std::thread> nodes;
  std::atomic<int> opened = 0;
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&] {
      auto s = open_pg_store(options_for(cluster.url(), schema));
      EXPECT_TRUE(s) << s.error().message;
      if (s) ++opened;
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(opened.load(), 4);
  auto conn = PgConnection::connect(parse_database_url(cluster.url()).value(), schema).value();
  auto rows = conn.query("SELECT version FROM schema_migrations ORDER BY version", {}, "test");
  ASSERT_TRUE(rows);
  // One row per migration (their numbers may have gaps: each feature owns its numbers).
  ASSERT_EQ(rows->rows(), static_cast<int>(pg_migrations().size()));
  EXPECT_EQ(rows->int64(rows->rows() - 1, 0), latest_pg_schema_version());
  // Nothing landed in public.
  auto leaked = conn.query(
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'", {}, "test");
  EXPECT_EQ(leaked->int64(0, 0), 0);
}

TEST(PgStore, RefusesASchemaMigratedByANewerPitchreel) {
  PITCHREEL_REQUIRE_PG(cluster);
  const std::string schema = testing::fresh_schema();
  ASSERT_TRUE(open_pg_store(options_for(cluster.url(), schema)));
  auto conn = PgConnection::connect(parse_database_url(cluster.url()).value(), schema).value();
  ASSERT_TRUE(conn.exec("INSERT INTO schema_migrations VALUES (999, 0)", "test"));
  auto s = open_pg_store(options_for(cluster.url(), schema));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "database_schema_newer");
  EXPECT_NE(s.error().message.find("999"), std::string::npos);
}

TEST(PgStore, ConnectionErrorsNameHostAndDatabaseNeverThePassword) {
  PITCHREEL_REQUIRE_PG(cluster);
  const std::string schema = testing::fresh_schema();

  auto wrong = open_pg_store(options_for(cluster.url_with_password("not-the-password-42"), schema));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "database_auth_failed");
  EXPECT_NE(wrong.error().message.find("127.0.0.1"), std::string::npos) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find("'postgres'"), std::string::npos);
  EXPECT_EQ(wrong.error().message.find("not-the-password-42"), std::string::npos);

  // Port 1: nothing listens there, so the connection is refused.
  std::string url = cluster.url();
  const std::string port = std::to_string(cluster.port());
  url.replace(url.find(":" + port), port.size() + 1, ":1");
  auto down = open_pg_store(options_for(url, schema));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, "database_unreachable");
  EXPECT_EQ(down.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(down.error().message.find("127.0.0.1"), std::string::npos) << down.error().message;
  EXPECT_EQ(down.error().message.find(cluster.password()), std::string::npos);

  auto bad = parse_database_url("postgresql://u:secret-pw@host:notaport/db");
  if (!bad) {  // libpq checks the port when connecting, not parsing, in some versions
    EXPECT_EQ(bad.error().code, "database_url_invalid");
    EXPECT_EQ(bad.error().message.find("secret-pw"), std::string::npos);
  }
  auto garbage = parse_database_url("host=h dbname");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, "database_url_invalid");
  EXPECT_EQ(parse_database_url("").error().code, "database_url_invalid");
  EXPECT_EQ(open_pg_store(options_for(cluster.url(), "Bad-Schema")).error().code,
            "database_schema_invalid");
}

TEST(PgStore, ParsesUrisAndConninfoForMessages) {
  auto uri = parse_database_url(
      "postgresql://postgres.abcd:pw@aws-0-eu.pooler.supabase.com:6543/postgres?sslmode=require");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(uri->host, "aws-0-eu.pooler.supabase.com");
  EXPECT_EQ(uri->port, "6543");
  EXPECT_EQ(uri->dbname, "postgres");
  EXPECT_EQ(uri->describe(), "host 'aws-0-eu.pooler.supabase.com' port 6543, database 'postgres'");
  auto kv = parse_database_url("host=db.internal dbname=shop user=app password=x sslmode=verify-full");
  ASSERT_TRUE(kv) << kv.error().message;
  EXPECT_EQ(kv->host, "db.internal");
  EXPECT_EQ(kv->dbname, "shop");
  EXPECT_EQ(kv->describe().find("password"), std::string::npos);
}

// The database goes away while a node runs: calls fail with database_unavailable (not a
// crash, not a hang), and once it is back the same store works again with nothing lost.
TEST(PgStore, SurvivesADatabaseRestart) {
  PITCHREEL_REQUIRE_PG(cluster);
  const std::string schema = testing::fresh_schema();
  auto store = open_pg_store(options_for(cluster.url(), schema)).value();
  const auto org = store->orgs().create("Acme", 1).value();
  const auto user = store->users().create(org.id, "a@acme.test", Role::kOwner, 1).value();
  const auto job = store->jobs().create({org.id, user.id, "{}", "", "", 3, {}}, 10).value().job;

  ASSERT_TRUE(cluster.stop());
  auto during = store->jobs().queue_depth();
  ASSERT_FALSE(during);
  EXPECT_EQ(during.error().code, "database_unavailable");
  EXPECT_EQ(during.error().kind, ErrorKind::kUnavailable);
  auto claim = store->queue().claim_next("w1", 60, 20);
  ASSERT_FALSE(claim);
  EXPECT_EQ(claim.error().code, "database_unavailable");
  ASSERT_TRUE(cluster.start()) << cluster.error();

  // The pool drops connections the restart broke; the first call may still meet one.
  Result<std::int64_t> depth = store->jobs().queue_depth();
  for (int i = 0; i < 10 && !depth; ++i) depth = store->jobs().queue_depth();
  ASSERT_TRUE(depth) << depth.error().message;
  EXPECT_EQ(*depth, 1);
  auto claimed = store->queue().claim_next("w1", 60, 30);
  ASSERT_TRUE(claimed) << claimed.error().message;
  ASSERT_TRUE(*claimed);
  EXPECT_EQ((*claimed)->job.id, job.id);
}

}  // namespace
}  // namespace pitchreel::db

namespace pitchreel::db {
namespace {

TEST(OpenStateStore, DatabaseUrlSelectsPostgresqlOtherwiseSqlite) {
  testing::TempDir dir;
  ServiceConfig config;
  auto sqlite = open_state_store(config, dir / "pitchreel.db");
  ASSERT_TRUE(sqlite) << sqlite.error().message;
  EXPECT_EQ((*sqlite)->engine(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir / "pitchreel.db"));

  PITCHREEL_REQUIRE_PG(cluster);
  config.database_url = cluster.url();
  config.db_schema = testing::fresh_schema();
  auto pg = open_state_store(config, dir / "unused.db");
  ASSERT_TRUE(pg) << pg.error().message;
  EXPECT_EQ((*pg)->engine(), "postgresql");
  EXPECT_FALSE(std::filesystem::exists(dir / "unused.db"));
  const auto org = (*pg)->orgs().create("Acme", 1).value();
  // A second process with the same settings sees the same rows.
  auto again = open_state_store(config, dir / "unused.db").value();
  EXPECT_EQ(again->orgs().find_by_name("Acme").value().value().id, org.id);
  config.database_url = "host=h dbname";
  EXPECT_EQ(open_state_store(config, dir / "x.db").error().code, "database_url_invalid");
}

}  // namespace
}  // namespace pitchreel::db
