// TtlCache: a small map whose entries are forgotten `ttl` after they were put. For
// answers that are cheap to keep and costly to recompute on every request (who owns an
// API key, the answer for a finished job), where being up to `ttl` stale is acceptable.
//
// Contract:
// - find() returns a copy of a live entry; expired entries are never returned.
// - At most `capacity` entries: a put() into a full cache first drops expired entries,
//   then, if still full, everything (simple, and a full cache of live entries only happens
//   under a burst of distinct keys, where it would thrash anyway).
// - A ttl of zero disables it: nothing is kept.
// - Safe to use from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace pitchreel {

template <typename V>
class TtlCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  TtlCache(std::chrono::milliseconds ttl, std::size_t capacity, Clock clock = {})
      : ttl_(ttl),
        capacity_(capacity),
        clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

  std::optional<V> find(const std::string& key) {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires <= now) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void put(const std::string& key, V value) {
    if (ttl_.count() <= 0 || capacity_ == 0) return;
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) {
      std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
      if (entries_.size() >= capacity_) entries_.clear();
    }
    entries_.insert_or_assign(key, Entry{std::move(value), now + ttl_});
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    V value;
    TimePoint expires;
  };

  std::chrono::milliseconds ttl_;
  std::size_t capacity_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace pitchreel
