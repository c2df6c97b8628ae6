#include "worker/input_sweeper.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "db/clock.h"

namespace pitchreel {

InputSweeper::InputSweeper(Sweep sweep, std::chrono::seconds interval, bool run_at_start)
    : sweep_(std::move(sweep)), interval_(interval), wait_first_(!run_at_start),
      thread_([this] { run(); }) {}

InputSweeper::~InputSweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void InputSweeper::run() {
  bool failing = false;
  std::unique_lock lock(mutex_);
  if (wait_first_) wake_.wait_for(lock, interval_, [this] { return stopping_; });
  while (!stopping_) {
    lock.unlock();
    auto swept = sweep_(db::unix_now());
    if (!swept) {
      if (!failing) spdlog::warn("input sweep failed code={}", swept.error().code);
      failing = true;
    } else {
      if (failing || swept->removed > 0) {
        spdlog::info("input sweep removed={} kept={}", swept->removed, swept->kept);
      }
      failing = false;
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace pitchreel
