#include "worker/input_sweeper.h"

#include <spdlog/spdlog.h>

#include "db/clock.h"
#include "worker/input_cleanup.h"

namespace pitchreel {

InputSweeper::InputSweeper(ObjectStore& store, db::Store& database, std::chrono::seconds interval)
    : store_(store), database_(database), interval_(interval), thread_([this] { run(); }) {}

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
  while (!stopping_) {
    lock.unlock();
    auto swept = sweep_job_inputs(store_, database_, db::unix_now());
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
