// The PostgreSQL engine behind the store seam (store.h), for many API and worker nodes on
// one database (a private server or a Supabase project).
//
// open_pg_store connects (DATABASE_URL), applies migrations under an advisory lock
// (pg_migrations.h) and returns a store whose methods each borrow a connection from a pool
// for one transaction. How each guarantee of store.h holds across nodes:
//   * claim: UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1): concurrent
//     claimers lock different rows and never wait for one another;
//   * lease-checked calls (heartbeat, complete, fail, ...) lock the job row (UPDATE or
//     SELECT ... FOR UPDATE) and re-check the owner under the lock;
//   * admission: the organisation's advisory transaction lock (and a queue-wide one when a
//     queue limit is set) serialises count-then-insert per organisation, so rate limits and
//     idempotency keys hold across nodes; the unique index on (user_id, idempotency_key)
//     backs the key up;
//   * requeue_expired: one UPDATE; row locks make each expired job change once.
// Errors: as store.h; connection loss is unavailable "database_unavailable", and the pool
// reconnects on the next call once the server is back.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"
#include "db/database_url.h"
#include "db/store.h"

namespace pitchreel::db {

struct PgStoreOptions {
  DatabaseTarget target;
  std::string schema = std::string(kDefaultSchema);
  std::size_t max_connections = 8;  // per process
};

// Errors at start: database_unreachable / database_auth_failed (naming host and database),
// database_schema_newer, database_schema_invalid.
Result<std::unique_ptr<Store>> open_pg_store(const PgStoreOptions& options);

}  // namespace pitchreel::db
