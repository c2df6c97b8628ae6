// Opens the state store the configuration selects (store.h): PostgreSQL when DATABASE_URL
// is set (schema PITCHREEL_DB_SCHEMA, migrated under its advisory lock), otherwise the
// SQLite file at `sqlite_path`, as a single-process install always had.
//
// Errors: database_url_invalid, database_schema_invalid, database_unreachable,
// database_auth_failed, database_schema_newer (PostgreSQL); those of Database::open (SQLite).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "core/config.h"
#include "core/status.h"
#include "db/store.h"

namespace pitchreel::db {

// `max_connections`: PostgreSQL connections this store may hold at once (ignored by SQLite).
Result<std::unique_ptr<Store>> open_state_store(const ServiceConfig& config,
                                                const std::filesystem::path& sqlite_path,
                                                std::size_t max_connections = 8);

}  // namespace pitchreel::db
