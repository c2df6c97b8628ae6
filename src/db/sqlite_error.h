// Turns an sqlite3 result code into an Error, the only way database failures leave src/db.
//
//   SQLITE_BUSY / SQLITE_LOCKED  -> unavailable "database_busy" (another connection held the
//                                   write lock past busy_timeout; retrying later may succeed)
//   SQLITE_CONSTRAINT            -> invalid "database_constraint" (repositories translate the
//                                   ones a user can cause into their own codes)
//   SQLITE_FULL / SQLITE_IOERR   -> unavailable "database_io" (disk full or failing)
//   anything else                -> internal "database_error"
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "core/status.h"

namespace pitchreel::db {

inline constexpr std::string_view kBusyCode = "database_busy";
inline constexpr std::string_view kConstraintCode = "database_constraint";

// `db` may be null (then only sqlite3_errstr(rc) is used); `what` names the operation,
// e.g. "claiming a job". Never pass SQL with user data in `what`.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

inline bool is_constraint(const Error& e) { return e.code == kConstraintCode; }
inline bool is_busy(const Error& e) { return e.code == kBusyCode; }

}  // namespace pitchreel::db
