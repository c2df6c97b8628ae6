#include "auth/jwks_refresher.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace pitchreel {

JwksRefresher::JwksRefresher(Fetch fetch, OnKeys on_keys, std::chrono::milliseconds interval,
                             std::chrono::milliseconds min_interval)
    : fetch_(std::move(fetch)),
      on_keys_(std::move(on_keys)),
      interval_(interval),
      min_interval_(min_interval) {}

JwksRefresher::~JwksRefresher() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<std::shared_ptr<const JwksKeySet>> JwksRefresher::refresh() {
  std::lock_guard lock(fetch_mutex_);
  last_fetch_ = std::chrono::steady_clock::now();
  auto document = fetch_();
  if (!document) return fail(document.error());
  auto parsed = JwksKeySet::parse(*document);
  if (!parsed) return fail(parsed.error());
  keys_ = std::make_shared<const JwksKeySet>(std::move(*parsed));
  on_keys_(keys_);
  return keys_;
}

void JwksRefresher::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

std::shared_ptr<const JwksKeySet> JwksRefresher::keys_for_unknown_kid() {
  {
    std::lock_guard lock(fetch_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (last_fetch_ && now - *last_fetch_ < min_interval_) return keys_;
  }
  auto fresh = refresh();
  if (!fresh) {
    spdlog::warn("jwks refresh failed reason=unknown_kid code={} error=\"{}\"", fresh.error().code,
                 fresh.error().message);
    std::lock_guard lock(fetch_mutex_);
    return keys_;
  }
  spdlog::info("jwks refreshed reason=unknown_kid keys={}", (*fresh)->keys().size());
  return *fresh;
}

void JwksRefresher::run() {
  std::unique_lock lock(stop_mutex_);
  for (;;) {
    if (stop_cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    lock.unlock();
    auto fresh = refresh();
    if (fresh) {
      spdlog::debug("jwks refreshed reason=interval keys={}", (*fresh)->keys().size());
    } else {
      spdlog::warn(
          "jwks refresh failed reason=interval code={} error=\"{}\" (keeping the previous keys)",
          fresh.error().code, fresh.error().message);
    }
    lock.lock();
  }
}

}  // namespace pitchreel
