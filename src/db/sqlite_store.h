// The embedded engine behind the store seam (store.h): one SQLite file, opened with
// Database::open (WAL, migrations). Each method delegates to the repository functions of
// src/db (org_repository.h, job_queue.h, ...), which hold the SQL and document it.
//
// Concurrency: every write is one BEGIN IMMEDIATE transaction, so across threads and
// processes on one file the guarantees of store.h hold (claims, admission and idempotency
// are serialised by SQLite's write lock). A SqliteStore is one connection shared by its
// threads in turn; open one per worker thread for parallel work on the same file.
// SQLite is single-machine: nodes on other machines cannot share it.
#pragma once

#include <filesystem>
#include <memory>

#include "core/status.h"
#include "db/database.h"
#include "db/store.h"

namespace pitchreel::db {

// Opens (creating and migrating) the database file. Errors: as Database::open.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path);

// A store over an already open Database, which must outlive it.
std::unique_ptr<Store> sqlite_store_over(Database& db);

}  // namespace pitchreel::db
