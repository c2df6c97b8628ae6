#include "worker/worker_pool.h"

#include <spdlog/spdlog.h>

#include <system_error>

#include "db/clock.h"
#include "db/open_store.h"
#include "worker/job_runner.h"
#include "worker/work_dir_sweep.h"

namespace pitchreel {

WorkerPool::WorkerPool(ObjectStore& store, Notifier& work_available, Notifier& job_changed,
                       Metrics& metrics, WorkerPoolOptions options)
    : store_(store),
      work_available_(work_available),
      job_changed_(job_changed),
      metrics_(metrics),
      options_(std::move(options)) {}

WorkerPool::~WorkerPool() { stop(std::chrono::seconds(0)); }

std::string WorkerPool::worker_id(std::size_t index) const {
  return (options_.node_id.empty() ? std::string("worker") : options_.node_id) + "-" +
         std::to_string(index);
}

Status WorkerPool::start() {
  if (running_) {
    return fail(Error::internal("worker_pool_running", "The worker pool is already running."));
  }
  if (options_.workers < 1 || options_.lease_s < 1) {
    return fail(Error::invalid("invalid_workers",
                               "The worker pool needs at least 1 worker and a lease of at "
                               "least 1 second."));
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.work_dir, ec);
  if (ec) {
    return fail(Error::unavailable("work_dir_not_writable",
                                   "Cannot create the work folder " + options_.work_dir.string() +
                                       " (" + ec.message() + "). Check the data directory."));
  }
  sweep_work_dir(options_.work_dir);  // leftovers of a process that died mid-render
  std::vector<std::unique_ptr<db::Store>> stores;
  for (int i = 0; i < options_.workers; ++i) {
    // Two connections on PostgreSQL: the worker's own calls and its render's heartbeats.
    auto opened = db::open_state_store(options_.config, options_.database_path, 2);
    if (!opened) return fail(opened.error());
    stores.push_back(std::move(*opened));
  }
  stores_ = std::move(stores);
  claiming_ = true;
  stopping_ = false;
  running_ = true;
  try {
    for (std::size_t i = 0; i < stores_.size(); ++i)
      threads_.emplace_back([this, i] { work(i); });
  } catch (const std::system_error& e) {
    stop(std::chrono::seconds(0));
    return fail(Error::unavailable("worker_start_failed",
                                   std::string("Cannot start a worker thread: ") + e.what()));
  }
  spdlog::info("worker pool started workers={} node={} lease_s={}", options_.workers,
               options_.node_id, options_.lease_s);
  return {};
}

void WorkerPool::stop(std::chrono::seconds grace) {
  if (!running_) return;
  running_ = false;
  claiming_ = false;
  // Idle workers sleep on work_available; wake them now rather than at their timeout.
  // Other waiters re-read the database and find nothing new, which is harmless.
  work_available_.notify();
  {
    std::unique_lock lock(idle_mutex_);
    if (!idle_.wait_for(lock, grace, [&] { return busy_.load() == 0; })) {
      spdlog::info("worker pool grace over, aborting jobs busy={}", busy_.load());
    }
  }
  stopping_ = true;
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  // After the join no worker writes any more, so requeueing cannot race a finishing job.
  for (std::size_t i = 0; i < stores_.size(); ++i) {
    auto requeued = stores_[i]->queue().requeue_owned(worker_id(i), db::unix_now());
    if (!requeued) {
      // The lease runs out and requeue_expired (this or another node) picks the job up.
      spdlog::error("worker jobs not requeued worker={} code={}", worker_id(i),
                    requeued.error().code);
    } else if (*requeued > 0) {
      spdlog::info("worker jobs requeued worker={} count={}", worker_id(i), *requeued);
      job_changed_.notify();
      work_available_.notify();  // another pool on this database may take them at once
    }
  }
  stores_.clear();
  spdlog::info("worker pool stopped node={}", options_.node_id);
}

void WorkerPool::set_busy(int delta) {
  {
    std::lock_guard lock(idle_mutex_);
    busy_ += delta;
  }
  idle_.notify_all();
}

void WorkerPool::wait_for_work(std::uint64_t seen) {
  ++idle_waiting_;
  work_available_.wait_for_change(seen, options_.idle_wait);
  --idle_waiting_;
}

void WorkerPool::back_off(std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  ++idle_waiting_;
  while (true) {
    // The version is read before the flag: stop() clears the flag, then notifies, so a
    // stop that lands between the two reads still wakes the wait below.
    const auto seen = work_available_.version();
    const auto now = std::chrono::steady_clock::now();
    if (!claiming_.load() || now >= until) break;
    work_available_.wait_for_change(
        seen, std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                  std::chrono::milliseconds(1));
  }
  --idle_waiting_;
}

void WorkerPool::work(std::size_t index) {
  db::JobQueue& queue = stores_[index]->queue();
  const std::string id = worker_id(index);
  JobRunner runner(queue, store_, job_changed_, metrics_, stopping_,
                   {options_.work_dir, options_.uploads_dir, options_.lease_s, options_.config});
  ClaimBackoff backoff(options_.claim_backoff);
  while (claiming_.load()) {
    // Read the version before looking at the queue: a submit that lands between the claim
    // and the wait moves the version, so the wait returns at once instead of missing it.
    const auto seen = work_available_.version();
    const auto now = db::unix_now();
    if (auto requeued = queue.requeue_expired(now); !requeued) {
      if (!backoff.failing()) {
        spdlog::warn("requeue_expired failed worker={} code={}", id, requeued.error().code);
      }
    } else if (*requeued > 0) {
      spdlog::info("expired leases requeued worker={} count={}", id, *requeued);
      job_changed_.notify();
    }
    auto claimed = queue.claim_next(id, options_.lease_s, now);
    if (!claimed) {
      // The database is down or unreachable: retry with a growing, jittered delay rather
      // than once per idle_wait from every worker of every node, and say so once.
      const auto step = backoff.failure();
      if (step.log) {
        spdlog::warn("claim failed, backing off worker={} code={} first_delay_ms={} cap_ms={}", id,
                     claimed.error().code, step.delay.count(),
                     options_.claim_backoff.cap.count());
      }
      back_off(step.delay);
      continue;
    }
    if (const auto recovered = backoff.success(); recovered.log) {
      spdlog::info("claims work again worker={} failed_claims={} outage_ms={}", id,
                   recovered.failures, recovered.outage.count());
    }
    if (!*claimed) {
      wait_for_work(seen);
      continue;
    }
    set_busy(+1);
    job_changed_.notify();  // queued -> running
    runner.run(**claimed, id);
    set_busy(-1);
  }
}

}  // namespace pitchreel
