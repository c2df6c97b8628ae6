// A small pool of PostgreSQL connections shared by the threads of one process.
//
// acquire() hands out a connection for exclusive use until the returned lease is
// destroyed; at most max_size connections exist, further callers wait for a free one.
// Connections are opened lazily; one found broken (the server went away) is dropped when
// returned, so the next acquire() reconnects. That is how a node recovers from a database
// outage without a restart.
//
// Thread safety: acquire() may be called from any thread. A PgPool must outlive its leases.
// Errors: those of PgConnection::connect (database_unreachable / database_auth_failed);
// during an outage, acquire() fails fast with unavailable "database_unavailable".
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "db/database_url.h"
#include "db/pg_connection.h"

namespace pitchreel::db {

class PgPool;

class PgLease {
 public:
  PgLease(PgLease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
    other.pool_ = nullptr;
  }
  PgLease& operator=(PgLease&&) = delete;
  PgLease(const PgLease&) = delete;
  PgLease& operator=(const PgLease&) = delete;
  ~PgLease();

  PgConnection& operator*() { return *conn_; }
  PgConnection* operator->() { return conn_.get(); }

 private:
  friend class PgPool;
  PgLease(PgPool* pool, std::unique_ptr<PgConnection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PgPool* pool_;
  std::unique_ptr<PgConnection> conn_;
};

class PgPool {
 public:
  PgPool(DatabaseTarget target, std::string schema, std::size_t max_size)
      : target_(std::move(target)), schema_(std::move(schema)), max_size_(max_size ? max_size : 1) {}
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  Result<PgLease> acquire();

  const DatabaseTarget& target() const { return target_; }
  const std::string& schema() const { return schema_; }

 private:
  friend class PgLease;
  void give_back(std::unique_ptr<PgConnection> conn);

  DatabaseTarget target_;
  std::string schema_;
  std::size_t max_size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                              // idle + leased; guarded by mutex_
};

}  // namespace pitchreel::db
