#include "db/database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>

#include "db/migrations.h"
#include "db/sqlite_error.h"
#include "db/transaction.h"
#include "support/test_support.h"

namespace pitchreel::db {
namespace {

std::string pragma(Database& db, std::string_view name) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(std::string("PRAGMA ") + std::string(name));
  EXPECT_TRUE(stmt);
  auto row = stmt->step();
  EXPECT_TRUE(row && *row);
  return stmt->column_text(0);
}

TEST(Database, OpensWithWalForeignKeysAndLatestSchema) {
  testing::TempDir dir;
  auto db = Database::open(dir / "sub" / "pitchreel.db");
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(pragma(**db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(**db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(**db, "synchronous"), "1");  // NORMAL
  EXPECT_EQ(pragma(**db, "busy_timeout"), "5000");
  Connection conn = (*db)->connect();
  auto version = schema_version(conn);
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, latest_schema_version());
  EXPECT_GE(latest_schema_version(), 1);
}

TEST(Database, MigrationsAreIdempotent) {
  testing::TempDir dir;
  {
    auto db = Database::open(dir / "a.db");
    ASSERT_TRUE(db) << db.error().message;
    Connection conn = (*db)->connect();
    ASSERT_TRUE(conn.exec("INSERT INTO organizations VALUES ('o1', 'Acme', 1)"));
  }
  auto again = Database::open(dir / "a.db");
  ASSERT_TRUE(again) << again.error().message;
  Connection conn = (*again)->connect();
  ASSERT_TRUE(apply_migrations(conn));  // a third time, explicitly
  auto stmt = conn.prepare("SELECT COUNT(*) FROM organizations");
  ASSERT_TRUE(stmt);
  auto n = stmt->single_int64();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
}

// A database written by an older pitchreel (schema 1: no GPU time columns) is upgraded in
// place on open, its rows kept.
// A database made by the first release (migration 1 only, written here with SQLite itself)
// is brought to the latest schema on open, keeping its rows.
TEST(Database, UpgradesASchemaOneDatabaseKeepingItsRows) {
  testing::TempDir dir;
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "a.db").c_str(), &raw), SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(raw, &sqlite3_close);
    const std::string v1 = std::string(migrations().front().sql) +
                           "INSERT INTO organizations VALUES ('o1', 'Acme', 1);"
                           "PRAGMA user_version = 1;";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, v1.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  }
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db) << db.error().message;
  Connection conn = (*db)->connect();
  EXPECT_EQ(schema_version(conn).value(), latest_schema_version());
  auto stmt = conn.prepare(
      "SELECT (SELECT COUNT(*) FROM organizations) + "
      "(SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'gpu_seconds') + "
      "(SELECT COUNT(*) FROM pragma_table_info('videos') WHERE name = 'warnings')");
  ASSERT_TRUE(stmt);
  EXPECT_EQ(stmt->single_int64().value(), 3);
  for (const char* table : {"job_events", "outbox", "batches", "webhook_endpoints"}) {
    auto count = conn.prepare(std::string("SELECT COUNT(*) FROM ") + table);
    ASSERT_TRUE(count) << table;
    EXPECT_EQ(count->single_int64().value(), 0) << table;
  }
}

TEST(Database, RefusesANewerSchema) {
  testing::TempDir dir;
  {
    auto db = Database::open(dir / "a.db");
    ASSERT_TRUE(db);
    Connection conn = (*db)->connect();
    ASSERT_TRUE(conn.exec("PRAGMA user_version = 999"));
  }
  auto db = Database::open(dir / "a.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "database_too_new");
}

TEST(Database, UnopenablePathIsAnError) {
  testing::TempDir dir;
  testing::write_file(dir / "file", "x");
  auto db = Database::open(dir / "file" / "pitchreel.db");  // parent is a file
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "database_open_failed");
}

TEST(Database, ForeignKeysAreEnforced) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db);
  Connection conn = (*db)->connect();
  auto s = conn.exec("INSERT INTO users VALUES ('u1', 'missing-org', 'a@b.c', 'admin', 1)");
  ASSERT_FALSE(s);
  EXPECT_TRUE(is_constraint(s.error()));
}

TEST(Transaction, RollsBackUnlessCommitted) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db);
  Connection conn = (*db)->connect();
  {
    auto tx = Transaction::begin(conn);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(conn.exec("INSERT INTO organizations VALUES ('o1', 'Acme', 1)"));
  }
  {
    auto tx = Transaction::begin(conn);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(conn.exec("INSERT INTO organizations VALUES ('o2', 'Beta', 1)"));
    ASSERT_TRUE(tx->commit());
  }
  auto stmt = conn.prepare("SELECT group_concat(id) FROM organizations");
  ASSERT_TRUE(stmt);
  ASSERT_TRUE(stmt->step());
  EXPECT_EQ(stmt->column_text(0), "o2");
}

TEST(Transaction, SecondWriterGetsDatabaseBusyAfterTimeout) {
  testing::TempDir dir;
  auto a = Database::open(dir / "a.db");
  auto b = Database::open(dir / "a.db", DatabaseOptions{std::chrono::milliseconds(50)});
  ASSERT_TRUE(a && b);
  Connection ca = (*a)->connect();
  auto held = Transaction::begin(ca);
  ASSERT_TRUE(held);
  Connection cb = (*b)->connect();
  auto blocked = Transaction::begin(cb);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, "database_busy");
  EXPECT_EQ(blocked.error().kind, ErrorKind::kUnavailable);
}

TEST(Statement, BindsAndReadsEveryType) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db);
  Connection conn = (*db)->connect();
  auto stmt = conn.prepare("SELECT ?1, ?2, ?3, ?4, typeof(?4)");
  ASSERT_TRUE(stmt);
  ASSERT_TRUE(stmt->bind_all({std::string_view("héllo"), std::int64_t{1} << 40, 2.5, nullptr}));
  auto row = stmt->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(stmt->column_text(0), "héllo");
  EXPECT_EQ(stmt->column_int64(1), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(stmt->column_double(2), 2.5);
  EXPECT_TRUE(stmt->is_null(3));
  EXPECT_EQ(stmt->column_optional_int64(3), std::nullopt);
  EXPECT_EQ(stmt->column_text(4), "null");
}

TEST(Statement, SyntaxErrorIsAnInternalError) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db);
  Connection conn = (*db)->connect();
  auto stmt = conn.prepare("SELEC 1");
  ASSERT_FALSE(stmt);
  EXPECT_EQ(stmt.error().code, "database_error");
  EXPECT_EQ(stmt.error().kind, ErrorKind::kInternal);
}

// Statements are cached per connection: a reused one starts clean (no old bindings, no
// half-read result), and giving it back ends its read, so writers elsewhere are seen.
TEST(Database, CachedStatementsStartCleanAndReleaseTheirRead) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  auto writer = Database::open(dir / "a.db");
  ASSERT_TRUE(db && writer);
  {
    Connection conn = (*db)->connect();
    ASSERT_TRUE(
        conn.exec("INSERT INTO organizations VALUES ('o1', 'Acme', 1), ('o2', 'Initech', 2)"));
  }
  constexpr std::string_view kByName = "SELECT id FROM organizations WHERE name = ?1";
  constexpr std::string_view kAll = "SELECT id FROM organizations ORDER BY id";
  {
    Connection conn = (*db)->connect();
    auto first = conn.prepare(kByName);
    ASSERT_TRUE(first && first->bind_all({"Acme"}));
    ASSERT_TRUE(first->step().value());
    EXPECT_EQ(first->column_text(0), "o1");
    auto all = conn.prepare(kAll);
    ASSERT_TRUE(all && all->step().value());  // left mid-result on purpose
  }
  {
    Connection conn = (*writer)->connect();  // commits while the cached SELECT sits idle
    ASSERT_TRUE(conn.exec("INSERT INTO organizations VALUES ('o0', 'Globex', 3)"));
  }
  Connection conn = (*db)->connect();
  auto again = conn.prepare(kByName);
  ASSERT_TRUE(again);
  auto unbound = again->step();  // the old binding is gone: ?1 is NULL, nothing matches
  ASSERT_TRUE(unbound);
  EXPECT_FALSE(*unbound);
  auto all = conn.prepare(kAll);
  ASSERT_TRUE(all && all->step().value());
  EXPECT_EQ(all->column_text(0), "o0") << "the reused statement read a stale snapshot";
}

TEST(StatementCache, KeepsStatementsByTheirTextAndCapsItsSize) {
  testing::TempDir dir;
  auto db = Database::open(dir / "a.db");
  ASSERT_TRUE(db);
  Connection conn = (*db)->connect();
  for (int i = 0; i < 2; ++i) {  // the same text twice: one cached statement
    auto stmt = conn.prepare("SELECT 42");
    ASSERT_TRUE(stmt && stmt->single_int64().value() == 42);
  }
  for (std::size_t i = 0; i < StatementCache::kCapacity + 10; ++i) {
    auto stmt = conn.prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(stmt);
    EXPECT_EQ(stmt->single_int64().value(), static_cast<std::int64_t>(i));
  }
  auto again = conn.prepare("SELECT 42");
  ASSERT_TRUE(again && again->single_int64().value() == 42);
}

}  // namespace
}  // namespace pitchreel::db
