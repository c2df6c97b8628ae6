#include "db/pg_pool.h"

#include <spdlog/spdlog.h>

namespace pitchreel::db {

PgLease::~PgLease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

Result<PgLease> PgPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return PgLease(this, std::move(conn));
    }
    ++open_;  // reserve the slot; connecting happens outside the lock
  }
  auto conn = PgConnection::connect(target_, schema_);
  if (!conn) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    freed_.notify_one();
    // A running node lost its database: requests and workers see it unavailable, whatever
    // the reason the reconnect failed; the reason (naming the host) goes to the log only.
    spdlog::warn("database reconnect failed code={} reason=\"{}\"", conn.error().code,
                 conn.error().message);
    return fail(Error::unavailable(std::string(kPgUnavailableCode),
                                   "The database is not available right now. Try again shortly."));
  }
  return PgLease(this, std::make_unique<PgConnection>(std::move(*conn)));
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
  {
    std::lock_guard lock(mutex_);
    if (conn->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  freed_.notify_one();
}

}  // namespace pitchreel::db
