// Notifier: "something changed" for threads of one process. A version number goes up on
// every notify(); a waiter remembers the version it has seen and sleeps until it moves
// (or a timeout passes). The database stays the source of truth: waiters re-read it when
// woken, so a missed or coalesced notification loses nothing.
//
// Used to start a job the moment it is queued (workers wait on "work available", no
// sleep-polling) and to push job progress to event streams. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace pitchreel {

class Notifier {
 public:
  std::uint64_t version() const {
    std::lock_guard lock(mutex_);
    return version_;
  }

  void notify() {
    {
      std::lock_guard lock(mutex_);
      ++version_;
    }
    changed_.notify_all();
    if (also_ != nullptr) also_->notify();
  }

  // Every later notify() also notifies `also` (borrowed; it must outlive this notifier). Set
  // before the notifier is shared between threads; never form a cycle. Lets a waiter on a
  // narrower notifier (the webhook dispatcher's "the outbox may have grown") be woken by a
  // broader one (every job change of a single-process deployment).
  void forward_to(Notifier* also) { also_ = also; }

  // Returns the current version once it differs from `seen`, or after `timeout`.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
    return version_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t version_ = 0;
  Notifier* also_ = nullptr;
};

}  // namespace pitchreel
