// Where the PostgreSQL database is: DATABASE_URL (alias PITCHREEL_DATABASE_URL), a libpq
// URI (postgresql://user:pass@host:5432/db?sslmode=require) or key=value conninfo
// (host=... dbname=...). Every libpq parameter (sslmode, sslrootcert, connect_timeout,
// application_name, ...) is honoured because the text is handed to libpq as is.
//
// parse_database_url checks the text with libpq's own parser and keeps the host and
// database name for messages: errors and logs name them, never the password.
// Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel::db {

struct DatabaseTarget {
  std::string conninfo;  // as given; holds the password, never log it
  std::string host;      // for messages: "db.example.com" (or the socket folder, or "localhost")
  std::string port;      // "" when libpq's default
  std::string dbname;    // for messages; "" when libpq's default (the user name)
  std::string user;      // for messages
  // "host 'h', database 'd'": how messages name the target.
  std::string describe() const;
};

// Errors: invalid "database_url_invalid" naming what libpq could not parse (the text of
// the URL is never repeated, since it may hold a password).
Result<DatabaseTarget> parse_database_url(std::string_view url);

// The schema that holds every pitchreel table (PITCHREEL_DB_SCHEMA, default "pitchreel").
// Lower-case letters, digits and '_' only, not starting with a digit, at most 58 characters,
// so it can be written into SQL unquoted and `<schema>_jobs` is a valid channel name. Errors: invalid "database_schema_invalid".
Status validate_schema_name(std::string_view schema);
inline constexpr std::string_view kDefaultSchema = "pitchreel";

}  // namespace pitchreel::db
