// The PostgreSQL schema and its migrations.
//
// Everything lives in one schema (PITCHREEL_DB_SCHEMA, default "pitchreel"), created when
// missing, so pitchreel can share a database (e.g. a Supabase project) without touching
// `public`. Applied versions are rows of <schema>.schema_migrations.
//
// apply_pg_migrations runs at the start of every node. It takes a transaction-scoped
// advisory lock keyed by the schema name before reading the version, and applies every
// missing migration in the same transaction (PostgreSQL DDL is transactional): nodes
// starting together queue on the lock, the first migrates, the others then find nothing to
// do. A schema migrated by a newer pitchreel is refused with internal
// "database_schema_newer" rather than misread.
//
// Outbox and events: jobs has a row trigger that, in the transaction of the change itself,
// appends a job_events row for every status change (the outbox webhooks deliver from) and
// sends pg_notify('<schema>_jobs', '<job id> <status>') for every change (status or
// progress), which PostgreSQL delivers only when that transaction commits.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "db/pg_connection.h"

namespace pitchreel::db {

struct PgMigration {
  int version;
  std::string_view sql;  // unqualified names: runs with search_path = the schema
};

std::span<const PgMigration> pg_migrations();
int latest_pg_schema_version();

// `conn` must have been connected with `schema` (its search_path).
Status apply_pg_migrations(PgConnection& conn, std::string_view schema);

// The highest applied version, 0 for an empty schema.
Result<int> pg_schema_version(PgConnection& conn);

// The LISTEN/NOTIFY channel of a schema's job changes.
std::string pg_jobs_channel(std::string_view schema);
// The channel on which every statement appending to the outbox notifies (empty payload).
std::string pg_outbox_channel(std::string_view schema);

}  // namespace pitchreel::db
