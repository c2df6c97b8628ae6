// The webhook dispatcher: a background thread on every node that (1) fans new outbox
// events out into deliveries, fixing each event's body and webhook-id, and (2) claims due
// deliveries under a lease and sends them, recording each attempt and its outcome
// (retry_policy.h). Any number of nodes may run one on the same database: fan-out happens
// once per event and a delivery is sent by one node at a time (WebhookStore in store.h).
// Delivery is at least once: a node killed mid-attempt leaves its claim to expire, and the
// delivery is sent again, with the same webhook-id and body, by whichever node claims it.
//
// It sleeps until `options.changes` is notified (the outbox may have grown: on PostgreSQL
// the outbox's NOTIFY, heard by db/pg_job_listener.h, on SQLite every job change in this
// process), until wake() (a redelivery, a ping, a deleted video), or until idle_poll passes:
// the poll is only the fallback for retries coming due, which nobody announces. A wake by
// `changes` fans out new events and sends only if that created deliveries, so the frequent
// job changes of SQLite cost one indexed read each.
//
// Retention: every sweep_interval (and at start) it deletes outbox events done with for
// longer than retention_s, with their deliveries and attempts (WebhookStore::prune); every
// node sweeps, which is safe.
//
// Time comes from options.clock, so tests drive the schedule without sleeping through it.
// Thread safety: start/stop/wake/run_once may be called from any thread; run_once must
// not run concurrently with the thread started by start().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/notifier.h"
#include "core/status.h"
#include "db/store.h"
#include "webhooks/sender.h"

namespace pitchreel::webhooks {

// The `data` of an event's body, from its outbox row (the API layer turns a job id into the
// job's JSON, with its video). Errors leave the event pending; it is tried again later.
using RenderData = std::function<Result<nlohmann::json>(const db::webhooks::OutboxEvent&)>;

struct DispatcherOptions {
  std::string node_id;  // unique across nodes (host-pid)
  SenderOptions sender;
  std::int64_t lease_s = 60;  // must exceed sender.timeout
  int parallel = 4;           // attempts in flight at once on this node
  std::chrono::milliseconds idle_poll{5000};
  // Notified when the outbox may have grown (borrowed; outlives the dispatcher). Null: the
  // dispatcher finds new events at its polls and wake()s only.
  Notifier* changes = nullptr;
  std::int64_t retention_s = 30 * 86400;  // 0: events are kept forever
  std::chrono::milliseconds sweep_interval{3'600'000};
  std::function<std::int64_t()> clock;     // Unix seconds; default the system clock
  std::function<double()> jitter;          // in [-1, 1]; default uniform random
};

// The body of an event: {"type", "timestamp" (ISO 8601 UTC of the change), "data"}.
std::string event_body(std::string_view type, std::int64_t created_at, const nlohmann::json& data);

class Dispatcher {
 public:
  Dispatcher(db::Store& store, RenderData render, DispatcherOptions options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  // Lets attempts in flight finish (at most sender.timeout), then returns.
  void stop();
  // Something changed (an event appended, a redelivery asked): look now, not at the next poll.
  void wake();
  // One round: fan out pending events, then send the deliveries due now. Returns how many
  // events and attempts it handled (0: nothing to do).
  int run_once();
  // One retention sweep at options.clock(): returns how many outbox events it deleted.
  int sweep();

 private:
  int fan_out(std::int64_t now);
  int deliver(std::int64_t now);
  void loop();

  db::Store& store_;
  RenderData render_;
  DispatcherOptions options_;
  Notifier own_changes_;     // used when options.changes is null
  Notifier* changes_;        // what the loop sleeps on; wake() and stop() notify it too
  std::atomic<bool> woken_{false};  // an explicit wake(): send, not only fan out
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace pitchreel::webhooks
