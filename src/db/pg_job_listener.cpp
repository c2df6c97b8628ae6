#include "db/pg_job_listener.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "db/pg_connection.h"
#include "db/pg_migrations.h"

namespace pitchreel::db {
namespace {

Result<PgConnection> listen(const DatabaseTarget& target, const std::string& schema,
                            bool outbox) {
  auto conn = PgConnection::connect(target, schema);
  if (!conn) return fail(conn.error());
  if (auto s = conn->exec("LISTEN " + pg_jobs_channel(schema), "listening for job changes"); !s) {
    return fail(s.error());
  }
  if (outbox) {
    if (auto s = conn->exec("LISTEN " + pg_outbox_channel(schema), "listening for webhook events");
        !s) {
      return fail(s.error());
    }
  }
  return conn;
}

}  // namespace

PgJobListener::PgJobListener(DatabaseTarget target, std::string schema, Callback callback,
                             std::function<void()> on_outbox)
    : target_(std::move(target)),
      schema_(std::move(schema)),
      callback_(std::move(callback)),
      on_outbox_(std::move(on_outbox)) {}

Result<std::unique_ptr<PgJobListener>> PgJobListener::start(const DatabaseTarget& target,
                                                            std::string schema,
                                                            Callback callback,
                                                            std::function<void()> on_outbox) {
  if (auto s = validate_schema_name(schema); !s) return fail(s.error());
  auto conn = listen(target, schema, static_cast<bool>(on_outbox));
  if (!conn) return fail(conn.error());
  std::unique_ptr<PgJobListener> self(
      new PgJobListener(target, std::move(schema), std::move(callback), std::move(on_outbox)));
  self->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->stop_fd_ < 0) {
    return fail(Error::internal("listener_failed", "Cannot create the listener's wake-up handle."));
  }
  PgJobListener* raw = self.get();
  self->thread_ = std::thread(
      [raw, c = std::make_unique<PgConnection>(std::move(*conn))]() mutable {
        raw->run(std::move(c));
      });
  return self;
}

PgJobListener::~PgJobListener() {
  if (stop_fd_ >= 0) {
    const std::uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void PgJobListener::run(std::unique_ptr<PgConnection> conn) {
  auto backoff = std::chrono::milliseconds(250);
  for (;;) {
    if (!conn) {
      // Reconnect, waiting out the backoff on the stop handle so a stop is never delayed.
      pollfd stop{stop_fd_, POLLIN, 0};
      if (::poll(&stop, 1, static_cast<int>(backoff.count())) > 0) return;
      auto again = listen(target_, schema_, static_cast<bool>(on_outbox_));
      if (!again) {
        spdlog::warn("job listener reconnect failed code={} retry_ms={}", again.error().code,
                     backoff.count());
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      conn = std::make_unique<PgConnection>(std::move(*again));
      backoff = std::chrono::milliseconds(250);
      ++reconnects_;
      spdlog::info("job listener reconnected to {}", target_.describe());
      callback_("", "");  // changes during the outage were not delivered: re-read
      if (on_outbox_) on_outbox_();
    }
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {PQsocket(conn->handle()), POLLIN, 0}};
    if (fds[1].fd < 0) {
      conn.reset();
      continue;
    }
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0) continue;  // EINTR
    if (fds[0].revents) return;
    if (PQconsumeInput(conn->handle()) == 0 || conn->broken()) {
      spdlog::warn("job listener lost its connection to {}", target_.describe());
      conn.reset();
      continue;
    }
    const std::string outbox_channel = pg_outbox_channel(schema_);
    while (PgNotifyPtr n{PQnotifies(conn->handle())}) {
      if (on_outbox_ && n->relname != nullptr && outbox_channel == n->relname) {
        on_outbox_();
        continue;
      }
      const std::string_view payload = n->extra ? n->extra : "";
      const auto space = payload.find(' ');
      callback_(payload.substr(0, space),
                space == std::string_view::npos ? std::string_view{} : payload.substr(space + 1));
    }
  }
}

}  // namespace pitchreel::db
