// The SQLite database: one file, one connection, one mutex.
//
// Database::open creates the file (and its folder) when missing, switches it to WAL,
// turns on foreign keys, waits up to busy_timeout for another connection's write lock,
// uses synchronous=NORMAL (durable across process crashes; a power loss may drop the
// last commits but never corrupts), and applies pending migrations (migrations.h).
//
// Thread safety: a Database is a single sqlite3 connection guarded by its own mutex, so
// one object may be shared by any number of threads; they take turns. Database::connect()
// locks the mutex and returns a Connection, the only way to run SQL; the lock is held until
// the Connection is destroyed, so a multi-statement Transaction is never interleaved with
// another thread's SQL. The mutex is not recursive: never call connect() while the same
// thread already holds a Connection of that Database.
//
// For parallel work open one Database per worker thread on the same file: WAL lets readers
// run beside one writer, and writers queue on BEGIN IMMEDIATE (busy_timeout). The service
// opens one for the HTTP handlers and one per job worker.
//
// Errors: open failures are "database_open_failed" (unavailable: the folder is missing or
// unwritable) or a migration error; SQL errors are mapped as in sqlite_error.h.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/status.h"
#include "db/sqlite_handles.h"
#include "db/statement.h"

namespace pitchreel::db {

struct DatabaseOptions {
  std::chrono::milliseconds busy_timeout{5000};
};

// Exclusive use of a Database's connection for as long as it lives. Move-only.
class Connection {
 public:
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // The statement borrows this connection: use and destroy it before the Connection.
  Result<Statement> prepare(std::string_view sql);
  // Runs one or more ';'-separated statements that take no parameters (DDL, pragmas).
  Status exec(std::string_view sql);
  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  std::int64_t changes() const;

 private:
  friend class Database;
  Connection(std::unique_lock<std::mutex> lock, sqlite3* db, StatementCache* cache)
      : lock_(std::move(lock)), db_(db), cache_(cache) {}

  std::unique_lock<std::mutex> lock_;
  sqlite3* db_;
  StatementCache* cache_;  // the Database's, guarded by the same mutex
};

class Database {
 public:
  // Heap-allocated because the mutex makes a Database immovable.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path,
                                                DatabaseOptions options = {});

  // Only open() can make the key, so this is effectively private; public for make_unique.
  struct Key {
   private:
    friend class Database;
    Key() = default;
  };
  Database(Key, SqlitePtr db, std::filesystem::path path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() = default;

  // Blocks until no other thread holds this database's connection.
  Connection connect();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::mutex mutex_;
  SqlitePtr db_;
  StatementCache statements_;  // guarded by mutex_; declared after db_ so it is finalized first
  std::filesystem::path path_;
};

}  // namespace pitchreel::db
