// Queue benchmark (make bench, tests/bench/queue_bench.sh): no-op jobs through the store
// seam, enqueue -> claim -> complete, on PostgreSQL (a private cluster started here, or
// --database-url) and on SQLite in the same invocation for reference. Producers enqueue on
// one "node" (store), workers claim and complete on another, as separate nodes would.
// Prints one JSON line per engine: enqueue/s, claim+complete/s, and jobs/s over both
// (each job enqueued, claimed and completed).
//
// --wake-jobs N: the cross-node hand-off on PostgreSQL instead. One "API node" store
// enqueues a job at a time; a "worker node" store sleeps on a Notifier that only its
// PgJobListener (LISTEN/NOTIFY) pokes, as a worker pool does, and claims when woken. The
// latency from the committed insert to the claim, p50/p99/max over N jobs.
//
// --serve-cluster: starts the private cluster, prints "url=<url>" and keeps it until
// stdin closes, for tests/bench/serve_bench.sh --postgres.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "core/notifier.h"
#include "db/database_url.h"
#include "db/pg_job_listener.h"
#include "db/pg_store.h"
#include "db/sqlite_store.h"
#include "support/pg_cluster.h"
#include "support/test_support.h"

using namespace pitchreel;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  int jobs = 0;
  double enqueue_s = 0;  // all jobs queued by the producers
  double drain_s = 0;    // all claimed and completed by the workers
};

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Two phases, so idle workers never spin on an empty queue and producers never wait on
// workers: enqueue everything, then drain it. `open` makes a new node (store) each call.
template <typename Open>
Figures run(Open open, int jobs, int producers, int workers) {
  auto admin = open();
  const auto org = admin->orgs().create("bench", 1).value();
  const auto user = admin->users().create(org.id, "b@bench", Role::kOwner, 1).value();
  auto api_node = open();
  auto worker_node = open();
  Figures f;
  f.jobs = jobs;
  std::atomic<int> produced = 0, failures = 0;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&] {
      while (produced.fetch_add(1) < jobs) {
        // A busy database (SQLite's write lock) is an error value: count it and try again.
        while (!api_node->jobs().create({org.id, user.id, "{}", "", "", 1, {}}, 100)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  threads.clear();
  f.enqueue_s = since(start);

  start = Clock::now();
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      const std::string id = "bench-w" + std::to_string(w);
      for (;;) {
        auto c = worker_node->queue().claim_next(id, 60, 100);
        if (!c) {
          ++failures;
          continue;
        }
        if (!*c) return;  // drained
        Video v;
        v.video_key = "k";
        while (!worker_node->queue().complete((*c)->job.id, id, v, 101)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  f.drain_s = since(start);
  if (failures > 0) std::cerr << "retried calls (busy database): " << failures.load() << "\n";
  return f;
}

void print(const std::string& engine, const Figures& f) {
  std::cout << nlohmann::json{{"bench", "queue"},
                              {"engine", engine},
                              {"jobs", f.jobs},
                              {"enqueue_per_s", f.jobs / f.enqueue_s},
                              {"claim_complete_per_s", f.jobs / f.drain_s},
                              {"jobs_per_s", f.jobs / (f.enqueue_s + f.drain_s)}}
                   .dump()
            << std::endl;
}

// Cross-node wake-up: the worker waits on the listener's notifications only (a 5 s
// fallback timeout that a healthy run never reaches), then claims.
int wake_latency(const db::PgStoreOptions& options, int jobs) {
  auto admin = db::open_pg_store(options).value();
  const auto org = admin->orgs().create("bench", 1).value();
  const auto user = admin->users().create(org.id, "b@bench", Role::kOwner, 1).value();
  auto api_node = db::open_pg_store(options).value();
  auto worker_node = db::open_pg_store(options).value();
  Notifier work_available;
  auto listener = db::PgJobListener::start(options.target, options.schema,
                                           [&](std::string_view, std::string_view status) {
                                             if (status == "queued" || status.empty())
                                               work_available.notify();
                                           });
  if (!listener) {
    std::cerr << "listener: " << listener.error().message << "\n";
    return 1;
  }
  std::vector<double> ms;
  std::atomic<bool> claimed_one{false};
  std::atomic<Clock::time_point> queued_at{};
  std::atomic<int> fallbacks{0};
  std::thread worker([&] {
    for (int n = 0; n < jobs; ++n) {
      for (;;) {
        const auto seen = work_available.version();
        auto c = worker_node->queue().claim_next("bench-w", 60, 100);
        if (c && *c) {
          ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - queued_at.load())
                           .count());
          Video v;
          v.video_key = "k";
          (void)worker_node->queue().complete((*c)->job.id, "bench-w", v, 101);
          claimed_one = true;
          break;
        }
        if (work_available.wait_for_change(seen, std::chrono::seconds(5)) == seen) ++fallbacks;
      }
    }
  });
  for (int n = 0; n < jobs; ++n) {
    claimed_one = false;
    // Give the worker time to go back to sleep, so each job measures a wake-up.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    queued_at = Clock::now();
    if (!api_node->jobs().create({org.id, user.id, "{}", "", "", 1, {}}, 100)) return 1;
    while (!claimed_one) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  worker.join();
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
  std::cout << nlohmann::json{{"bench", "cross_node_wake"},
                              {"engine", "postgresql"},
                              {"jobs", jobs},
                              {"p50_ms", at(0.5)},
                              {"p99_ms", at(0.99)},
                              {"max_ms", ms.back()},
                              {"fallback_timeouts", fallbacks.load()}}
                   .dump()
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("queue benchmark");
  int jobs = 5000, producers = 2, workers = 4;
  std::string url;
  app.add_option("--jobs", jobs);
  app.add_option("--producers", producers);
  app.add_option("--workers", workers);
  app.add_option("--database-url", url, "an existing PostgreSQL; default: a private cluster");
  int wake_jobs = 0;
  bool serve_cluster = false;
  app.add_option("--wake-jobs", wake_jobs, "measure the cross-node NOTIFY hand-off over N jobs");
  app.add_flag("--serve-cluster", serve_cluster, "start a cluster, print url=..., wait for EOF");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<testing::PgCluster> cluster;
  if (url.empty()) {
    cluster = std::make_unique<testing::PgCluster>();
    if (!cluster->ready()) {
      std::cerr << "cannot start PostgreSQL: " << cluster->error() << "\n";
      return 1;
    }
    url = cluster->url();
  }
  if (serve_cluster) {
    std::cout << "url=" << url << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    return 0;
  }
  db::PgStoreOptions options;
  options.target = db::parse_database_url(url).value();
  options.schema = testing::fresh_schema();
  options.max_connections = static_cast<std::size_t>(std::max(producers, workers));
  if (wake_jobs > 0) return wake_latency(options, wake_jobs);
  print("postgresql", run([&] { return db::open_pg_store(options).value(); }, jobs, producers,
                          workers));

  testing::TempDir dir;
  print("sqlite", run([&] { return db::open_sqlite_store(dir / "bench.db").value(); }, jobs,
                      producers, workers));
  return 0;
}
