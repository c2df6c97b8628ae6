// Job events across nodes: a thread that LISTENs on the schema's job channel
// (pg_migrations.h: the jobs trigger sends "<job id> <status>" on every change, delivered
// when the changing transaction commits) and hands each notification to a callback. The
// service's callback pokes its in-process Notifiers (core/notifier.h): `job_changed` for
// event streams and the seed endpoint's wait, `work_available` when a job became queued, so
// a worker idle on any node wakes at once and a client on node A sees progress rendered on
// node B. The database stays the source of truth: waiters re-read it when woken.
//
// With `on_outbox` set it also LISTENs on the outbox channel (an event was appended, on any
// node) and calls it for each such notification: the webhook dispatchers wake at once.
//
// Losing the connection (a database restart) is survived: the thread reconnects with a
// backoff (0.25 s doubling to 5 s) and then calls the callback with an empty job id and
// status (and on_outbox), meaning "notifications may have been missed, re-read everything".
//
// Ownership: owns its connection and thread; the destructor stops both (within ~100 ms).
// Thread safety: the callbacks run on the listener's thread and must be thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"
#include "db/database_url.h"

namespace pitchreel::db {

class PgConnection;

class PgJobListener {
 public:
  using Callback = std::function<void(std::string_view job_id, std::string_view status)>;

  // Connects and LISTENs before returning, so every change committed after start() returns
  // is delivered. Errors: those of PgConnection::connect.
  static Result<std::unique_ptr<PgJobListener>> start(const DatabaseTarget& target,
                                                      std::string schema, Callback callback,
                                                      std::function<void()> on_outbox = {});
  ~PgJobListener();
  PgJobListener(const PgJobListener&) = delete;
  PgJobListener& operator=(const PgJobListener&) = delete;

  // Times the connection was re-established after a loss.
  int reconnects() const { return reconnects_.load(); }

 private:
  PgJobListener(DatabaseTarget target, std::string schema, Callback callback,
                std::function<void()> on_outbox);
  void run(std::unique_ptr<PgConnection> conn);

  DatabaseTarget target_;
  std::string schema_;
  Callback callback_;
  std::function<void()> on_outbox_;
  int stop_fd_ = -1;  // eventfd: written to stop the thread
  std::atomic<int> reconnects_{0};
  std::thread thread_;
};

}  // namespace pitchreel::db
