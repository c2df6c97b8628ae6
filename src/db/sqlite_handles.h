// RAII owners for the two sqlite3 C handles. Each deleter accepts null, so a
// default-constructed owner is always safe to destroy.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace pitchreel::db {

// sqlite3_close_v2 defers the close until every statement is finalized, so the
// order in which owners are destroyed cannot leak or crash.
struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

using SqlitePtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

}  // namespace pitchreel::db
