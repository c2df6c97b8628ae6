// Numbered schema migrations, recorded in the database's user_version pragma.
//
// apply_migrations runs every migration newer than user_version, in order, inside one
// BEGIN IMMEDIATE transaction, then sets user_version: all or nothing, and idempotent
// (a second run, or a second process starting at the same time, finds nothing to do).
// A database written by a newer pitchreel (user_version above the latest known here) is
// refused with "database_too_new" rather than misread.
//
// To change the schema, append a migration to kMigrations (schema.cpp); never edit one
// that has shipped.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"
#include "db/database.h"

namespace pitchreel::db {

struct Migration {
  int version;           // 1, 2, 3, ... without gaps
  std::string_view sql;  // one or more statements
};

// All migrations, oldest first (schema.cpp).
std::span<const Migration> migrations();

// The version a fully migrated database reports.
int latest_schema_version();

Status apply_migrations(Connection& conn);

// The database's current user_version.
Result<int> schema_version(Connection& conn);

}  // namespace pitchreel::db
