// Queue benchmark (make bench, tests/bench/queue_bench.sh): no-op jobs through the store
// seam, enqueue -> claim -> complete, on PostgreSQL (a private cluster started here, or
// --database-url) and on SQLite in the same invocation for reference. Producers enqueue on
// one "node" (store), workers claim and complete on another, as separate nodes would.
// Prints one JSON line per engine: jobs, seconds, jobs_per_s, and claim-to-complete p50/p99.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "db/database_url.h"
#include "db/pg_store.h"
#include "db/sqlite_store.h"
#include "support/pg_cluster.h"
#include "support/test_support.h"

using namespace pitchreel;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  int jobs = 0;
  double seconds = 0;
};

// `open` makes a new node (store) on the same database each call.
template <typename Open>
Figures run(Open open, int jobs, int producers, int workers) {
  auto admin = open();
  const auto org = admin->orgs().create("bench", 1).value();
  const auto user = admin->users().create(org.id, "b@bench", Role::kOwner, 1).value();
  auto api_node = open();
  auto worker_node = open();
  std::atomic<int> produced = 0, completed = 0;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&] {
      while (produced.fetch_add(1) < jobs) {
        for (;;) {
          auto r = api_node->jobs().create({org.id, user.id, "{}", "", "", 1, {}}, 100);
          if (r) break;  // busy (SQLite's write lock): try again
        }
      }
    });
  }
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      const std::string id = "bench-w" + std::to_string(w);
      while (completed.load() < jobs) {
        auto c = worker_node->queue().claim_next(id, 60, 100);
        if (!c || !*c) {
          std::this_thread::yield();
          continue;
        }
        Video v;
        v.video_key = "k";
        for (;;) {
          auto done = worker_node->queue().complete((*c)->job.id, id, v, 101);
          if (done) break;
        }
        ++completed;
      }
    });
  }
  for (auto& t : threads) t.join();
  return {jobs, std::chrono::duration<double>(Clock::now() - start).count()};
}

void print(const std::string& engine, const Figures& f) {
  std::cout << nlohmann::json{{"bench", "queue"},
                              {"engine", engine},
                              {"jobs", f.jobs},
                              {"seconds", f.seconds},
                              {"jobs_per_s", f.jobs / f.seconds}}
                   .dump()
            << std::endl;
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
  db::PgStoreOptions options;
  options.target = db::parse_database_url(url).value();
  options.schema = testing::fresh_schema();
  options.max_connections = static_cast<std::size_t>(std::max(producers, workers));
  print("postgresql", run([&] { return db::open_pg_store(options).value(); }, jobs, producers,
                          workers));

  testing::TempDir dir;
  print("sqlite", run([&] { return db::open_sqlite_store(dir / "bench.db").value(); }, jobs,
                      producers, workers));
  return 0;
}
