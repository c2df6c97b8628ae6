#include "db/database.h"

#include <fmt/format.h>

#include <string>
#include <system_error>

#include "db/migrations.h"
#include "db/sqlite_error.h"

namespace pitchreel::db {

Result<Statement> Connection::prepare(std::string_view sql) {
  if (auto cached = cache_->take(sql); !cached.empty()) {
    return Statement(db_, std::move(cached), cache_);
  }
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, "preparing a statement"));
  return Statement(db_, StatementCache::wrap(sql, std::move(stmt)), cache_);
}

Status Connection::exec(std::string_view sql) {
  // sqlite3_exec needs a NUL-terminated string.
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, "running SQL"));
  return {};
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

namespace {

Error open_error(const std::filesystem::path& path, std::string_view detail) {
  return Error::unavailable(
      "database_open_failed",
      fmt::format("Cannot open the database at {}: {}. Check that the folder exists and is "
                  "writable.",
                  path.string(), detail));
}

// journal_mode answers with the mode now in force; an in-memory database stays "memory".
Status enable_wal(Connection& conn) {
  auto stmt = conn.prepare("PRAGMA journal_mode=WAL");
  if (!stmt) return fail(stmt.error());
  auto row = stmt->step();
  if (!row) return fail(row.error());
  const std::string mode = *row ? stmt->column_text(0) : "";
  if (mode != "wal" && mode != "memory") {
    return fail(Error::internal(
        "database_error", fmt::format("The database refused WAL mode (it is in '{}').", mode)));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path,
                                                 DatabaseOptions options) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(open_error(path, ec.message()));
  }
  sqlite3* raw = nullptr;
  // NOMUTEX: sqlite's own per-connection mutex is redundant with ours.
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqlitePtr handle(raw);
  if (rc != SQLITE_OK) {
    return fail(open_error(path, handle ? sqlite3_errmsg(handle.get()) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(handle.get(), static_cast<int>(options.busy_timeout.count()));

  auto db = std::make_unique<Database>(Key{}, std::move(handle), path);
  {
    Connection conn = db->connect();
    if (auto s = enable_wal(conn); !s) return fail(s.error());
    if (auto s = conn.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !s) {
      return fail(s.error());
    }
    if (auto s = apply_migrations(conn); !s) return fail(s.error());
  }
  return db;
}

Connection Database::connect() {
  return Connection(std::unique_lock(mutex_), db_.get(), &statements_);
}

}  // namespace pitchreel::db
