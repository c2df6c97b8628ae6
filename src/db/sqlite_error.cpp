#include "db/sqlite_error.h"

#include <fmt/format.h>

#include <string>

namespace pitchreel::db {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  // The connection's message is more specific (it names the constraint or table) but only
  // describes the most recent failure, which is this one while the caller holds the lock.
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable(
          std::string(kBusyCode),
          fmt::format("The database is busy ({}); try again in a moment.", what));
    case SQLITE_CONSTRAINT:
      return Error::invalid(
          std::string(kConstraintCode),
          fmt::format("A database constraint failed while {}: {}.", what, detail));
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return Error::unavailable(
          "database_io",
          fmt::format("The database could not be written while {}: {}. Check free disk space.",
                      what, detail));
    default:
      return Error::internal("database_error",
                             fmt::format("Database error while {}: {}.", what, detail));
  }
}

}  // namespace pitchreel::db
