#include "webhooks/dispatcher.h"

#include <random>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "db/clock.h"
#include "db/ids.h"
#include "webhooks/retry_policy.h"

namespace pitchreel::webhooks {
namespace {

constexpr int kBatch = 50;

std::string iso_utc(std::int64_t unix_seconds) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(unix_seconds)));
}

double random_jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
}

}  // namespace

std::string event_body(std::string_view type, std::int64_t created_at,
                       const nlohmann::json& data) {
  return nlohmann::json{{"type", type}, {"timestamp", iso_utc(created_at)}, {"data", data}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Dispatcher::Dispatcher(db::Store& store, RenderData render, DispatcherOptions options)
    : store_(store), render_(std::move(render)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return db::unix_now(); };
  if (!options_.jitter) options_.jitter = random_jitter;
  options_.parallel = std::max(1, options_.parallel);
  changes_ = options_.changes != nullptr ? options_.changes : &own_changes_;
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  stopping_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::wake() {
  woken_ = true;
  changes_->notify();
}

void Dispatcher::loop() {
  auto next_sweep = std::chrono::steady_clock::now();
  bool full_round = true;  // the first round, a poll, an explicit wake: fan out and send
  while (!stopping_) {
    if (options_.retention_s > 0 && std::chrono::steady_clock::now() >= next_sweep) {
      sweep();
      next_sweep = std::chrono::steady_clock::now() + options_.sweep_interval;
    }
    // Read before the round: a change announced during it makes the wait below return at once.
    const std::uint64_t seen = changes_->version();
    const std::int64_t now = options_.clock();
    const int fanned = fan_out(now);
    const int sent = full_round || fanned > 0 ? deliver(now) : 0;
    if (fanned + sent > 0) {
      full_round = true;  // more may be waiting
      continue;
    }
    const auto wait = std::min<std::chrono::milliseconds>(
        options_.idle_poll,
        options_.retention_s > 0
            ? std::chrono::ceil<std::chrono::milliseconds>(
                  std::max(next_sweep - std::chrono::steady_clock::now(),
                           std::chrono::steady_clock::duration::zero()))
            : options_.idle_poll);
    const bool changed = changes_->wait_for_change(seen, wait) != seen;
    full_round = !changed || woken_.exchange(false);
  }
}

int Dispatcher::run_once() {
  const std::int64_t now = options_.clock();
  return fan_out(now) + deliver(now);
}

int Dispatcher::sweep() {
  if (options_.retention_s <= 0) return 0;
  constexpr int kPruneBatch = 500;  // short transactions: deliveries are never held up long
  const std::int64_t before = options_.clock() - options_.retention_s;
  int total = 0;
  for (;;) {
    auto pruned = store_.webhooks().prune(before, kPruneBatch);
    if (!pruned) {
      spdlog::warn("webhook outbox prune failed code={}", pruned.error().code);
      break;
    }
    total += *pruned;
    if (*pruned < kPruneBatch || stopping_) break;
  }
  if (total > 0) spdlog::info("webhook outbox pruned events={} before={}", total, before);
  return total;
}

int Dispatcher::fan_out(std::int64_t now) {
  auto events = store_.webhooks().pending_events(kBatch);
  if (!events) {
    spdlog::warn("webhook outbox read failed code={}", events.error().code);
    return 0;
  }
  int handled = 0;
  for (const auto& event : *events) {
    auto data = render_(event);
    if (!data) {
      spdlog::warn("webhook event not rendered event_id={} type={} code={}", event.id, event.type,
                   data.error().code);
      continue;
    }
    const std::string message_id = "msg_" + db::new_uuid();
    auto created = store_.webhooks().fan_out(event.id, message_id,
                                             event_body(event.type, event.created_at, *data), now);
    if (!created) {
      spdlog::warn("webhook fan-out failed event_id={} code={}", event.id, created.error().code);
      continue;
    }
    ++handled;
    if (*created) {
      spdlog::debug("webhook event fanned out event_id={} type={} deliveries={}", event.id,
                    event.type, **created);
    }
  }
  return handled;
}

int Dispatcher::deliver(std::int64_t now) {
  auto tasks = store_.webhooks().claim_deliveries(options_.node_id, options_.lease_s,
                                                  options_.parallel, now);
  if (!tasks) {
    spdlog::warn("webhook claim failed code={}", tasks.error().code);
    return 0;
  }
  std::vector<std::thread> attempts;
  for (const auto& task : *tasks) {
    attempts.emplace_back([this, &task] {
      const std::int64_t started = options_.clock();
      const SendOutcome sent = send_attempt(task, started, options_.sender);
      db::webhooks::AttemptRecord record =
          decide(sent.result, task.attempts, options_.clock(), options_.jitter());
      record.latency_ms = sent.latency_ms;
      record.response_body = sent.response_excerpt;
      auto saved = store_.webhooks().record_attempt(task.delivery_id, task.lease, record,
                                                    options_.clock());
      if (!saved) {
        spdlog::warn("webhook attempt not recorded delivery_id={} code={}", task.delivery_id,
                     saved.error().code);
      } else if (!*saved) {
        spdlog::warn("webhook attempt outlived its lease delivery_id={}", task.delivery_id);
      }
      spdlog::info(
          "webhook attempt delivery_id={} endpoint_id={} type={} status={} latency_ms={} "
          "outcome={}{}",
          task.delivery_id, task.endpoint_id, task.type, sent.result.http_status, sent.latency_ms,
          db::webhooks::to_string(record.outcome),
          record.disable_endpoint_reason.empty() ? "" : " endpoint_disabled=true");
    });
  }
  for (auto& t : attempts) t.join();
  return static_cast<int>(tasks->size());
}

}  // namespace pitchreel::webhooks
