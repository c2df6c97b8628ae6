// Scale-out end to end: separate `pitchreel serve` processes on one PostgreSQL database (a
// private cluster, tests/support/pg_cluster.h) and one S3 bucket (tests/support/s3_server.h).
// An API-only node takes the job, a worker-only node renders it, and the API node's event
// stream follows the job as the worker's changes arrive through LISTEN/NOTIFY.
//
// Each node has a data directory of its own: the job's input travels through the bucket
// ({org}/inputs/{job id}/image), never through a shared disk.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "support/pg_cluster.h"
#include "support/s3_server.h"
#include "support/scale_out_node.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::S3Server;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

using testing::scale_out_env;
using testing::start_node;

TEST(ServePostgres, ApiNodeQueuesWorkerNodeRendersAndTheApiNodeStreamsIt) {
  PITCHREEL_REQUIRE_PG(pg);
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  const auto env = scale_out_env(pg, testing::fresh_schema(), s3);

  auto api = start_node(tmp / "data", env, "api");
  ASSERT_TRUE(api->ready()) << api->error() << api->diagnostics();
  ASSERT_FALSE(api->api_key().empty()) << "the first node creates the first organisation";
  auto worker = start_node(tmp / "worker", env, "worker", api->api_key());
  ASSERT_TRUE(worker->ready()) << worker->error() << worker->diagnostics();

  // A worker node answers only health and metrics.
  auto wcli = worker->client();
  EXPECT_EQ(wcli.Get("/healthz")->status, 200);
  EXPECT_EQ(wcli.Get("/readyz")->status, 200);
  EXPECT_EQ(wcli.Get("/metrics")->status, 200);
  auto refused = wcli.Get("/api/v1/videos");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);

  auto cli = api->client();
  const auto form = testing::job_form(testing::product_jpeg(),
                                      {{"script", "The Aurora bottle keeps drinks cold."},
                                       {"height", "720"}});
  auto posted = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body;
  const std::string id = testing::json_body(posted).value("id", "");

  // The API node's event stream: every state it reports was written by the worker node.
  std::vector<std::string> statuses;
  std::string buffer;
  auto watch = api->client();
  watch.set_read_timeout(std::chrono::seconds(180));
  auto streamed = watch.Get("/api/v1/jobs/" + id + "/events", [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
      const std::string event = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      if (auto at = event.find("data: "); at != std::string::npos) {
        auto j = json::parse(event.substr(at + 6), nullptr, false);
        if (!j.is_discarded()) {
          const std::string s = j.value("status", "");
          if (statuses.empty() || statuses.back() != s) statuses.push_back(s);
        }
      }
    }
    return true;
  });
  ASSERT_TRUE(streamed);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back(), "succeeded") << worker->diagnostics() << api->diagnostics();
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), "running"), statuses.end())
      << "the stream should show the render on the worker node";

  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job.value("status", ""), "succeeded") << job.dump();
  // The video row and the object are there; the API node rendered nothing.
  auto listing = s3.rclone({"lsjson", "-R", "--files-only", "s3:" + s3.options().bucket});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_NE(listing.out.find(".mp4"), std::string::npos) << listing.out;
  EXPECT_TRUE(worker->wait_for_log("job ended job_id=" + id)) << "the worker node logs its job";
  // The input went through the bucket: the API node's disk never held it.
  EXPECT_TRUE(testing::files_under(tmp / "data" / "uploads").empty());

  EXPECT_EQ(api->terminate(), 0);
  EXPECT_EQ(worker->terminate(), 0);
}

TEST(ServePostgres, AdminWorksOnTheDatabaseAndBadStartsAreRefusedWithTheReason) {
  PITCHREEL_REQUIRE_PG(pg);
  TempDir tmp;
  const std::string schema = testing::fresh_schema();
  const std::vector<std::string> db_env = {"DATABASE_URL=" + pg.url(),
                                           "PITCHREEL_DB_SCHEMA=" + schema};
  auto created = testing::run_command({PITCHREEL_BINARY, "admin", "--data-dir",
                                       (tmp / "a").string(), "org", "create", "--name", "Shop",
                                       "--json"},
                                      db_env);
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  // Another data directory, same database: the organisation is there.
  auto listed = testing::run_command(
      {PITCHREEL_BINARY, "admin", "--data-dir", (tmp / "b").string(), "org", "list", "--json"},
      db_env);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("Shop"), std::string::npos) << listed.out;
  EXPECT_FALSE(std::filesystem::exists(tmp / "b" / "pitchreel.db"));

  // PostgreSQL with local storage: refused unless declared single-node.
  ServerProcess local(ServerOptions(tmp / "local", {{"DATABASE_URL", pg.url()},
                                                    {"PITCHREEL_DB_SCHEMA", schema}}));
  EXPECT_FALSE(local.ready());
  EXPECT_NE((local.stderr_text() + local.stdout_text()).find("local_storage_multi_node"),
            std::string::npos)
      << local.diagnostics();
  ServerProcess single(ServerOptions(tmp / "single", {{"DATABASE_URL", pg.url()},
                                                      {"PITCHREEL_DB_SCHEMA", schema},
                                                      {"PITCHREEL_SINGLE_NODE", "true"}}));
  EXPECT_TRUE(single.ready()) << single.diagnostics();

  // A wrong password stops the start, naming host and database but not the password.
  ServerProcess wrong(ServerOptions(
      tmp / "wrong", {{"DATABASE_URL", pg.url_with_password("Wrong-Pw-77")},
                      {"PITCHREEL_DB_SCHEMA", schema},
                      {"PITCHREEL_SINGLE_NODE", "true"}}));
  EXPECT_FALSE(wrong.ready());
  const auto said = wrong.stderr_text() + wrong.stdout_text();
  EXPECT_NE(said.find("database_auth_failed"), std::string::npos) << said;
  EXPECT_NE(said.find("127.0.0.1"), std::string::npos) << said;
  EXPECT_EQ(said.find("Wrong-Pw-77"), std::string::npos) << "the password leaked: " << said;
}

// kill -9 of the worker node in the middle of a render: the other worker node requeues the
// job once its lease runs out and finishes it, exactly once (one video row, one video
// object), with the interrupted attempt counted.
TEST(ServePostgres, AWorkerNodeKilledMidRenderLeavesItsJobToAnotherNode) {
  PITCHREEL_REQUIRE_PG(pg);
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  auto env = scale_out_env(pg, testing::fresh_schema(), s3);
  env["PITCHREEL_LEASE_S"] = "5";  // the shortest lease: the dead worker's job frees up soon
  auto api = start_node(tmp / "data", env, "api");
  ASSERT_TRUE(api->ready()) << api->diagnostics();
  auto first = start_node(tmp / "worker-1", env, "worker", api->api_key());
  ASSERT_TRUE(first->ready()) << first->diagnostics();

  auto cli = api->client();
  const auto form = testing::job_form(
      testing::product_jpeg(1200, 900),
      {{"script",
        "Meet the Aurora bottle, the last water bottle you will ever need. Its double steel "
        "walls keep drinks ice cold for a full day and hot for twelve hours. The leak proof lid "
        "clicks shut with one hand, and the wide mouth fits ice cubes. Order yours today."},
       {"height", "1080"}});
  auto posted = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body;
  const std::string id = testing::json_body(posted).value("id", "");

  // Mid-render on the first worker node (the only one so far).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  json seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = testing::json_body(cli.Get("/api/v1/jobs/" + id));
    if (seen.value("status", "") == "running" && seen.value("progress", 0.0) > 0.05) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval
  }
  ASSERT_EQ(seen.value("status", ""), "running") << seen.dump() << first->diagnostics();
  auto second = start_node(tmp / "worker-2", env, "worker", api->api_key());
  ASSERT_TRUE(second->ready()) << second->diagnostics();
  first->kill9();

  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"},
                                         std::chrono::seconds(240));
  ASSERT_EQ(job.value("status", ""), "succeeded") << job.dump() << second->diagnostics();
  EXPECT_EQ(job.value("attempts", 0), 2) << job.dump();
  EXPECT_TRUE(second->wait_for_log("job ended job_id=" + id)) << second->diagnostics();
  const auto videos = testing::json_body(cli.Get("/api/v1/videos"));
  ASSERT_TRUE(videos.contains("videos")) << videos.dump();
  EXPECT_EQ(videos["videos"].size(), 1u) << videos.dump();
  auto listing = s3.rclone({"lsjson", "-R", "--files-only", "s3:" + s3.options().bucket});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  auto objects = json::parse(listing.out, nullptr, false);
  int mp4 = 0;
  for (const auto& o : objects) mp4 += o.value("Path", "").ends_with(".mp4") ? 1 : 0;
  EXPECT_EQ(mp4, 1) << listing.out;
}

// The database goes away under a running node: requests answer 503 database_unavailable
// (without naming the database host), the node keeps running, and once the database is back
// a job submitted before the outage is rendered; nothing submitted is lost.
TEST(ServePostgres, ADatabaseOutageAnswers503AndLosesNothing) {
  PITCHREEL_REQUIRE_PG(pg);
  TempDir tmp;
  ServerOptions options(tmp / "data", {{"DATABASE_URL", pg.url()},
                                       {"PITCHREEL_DB_SCHEMA", testing::fresh_schema()},
                                       {"PITCHREEL_SINGLE_NODE", "true"},
                                       {"PITCHREEL_ROLE", "api"}});
  ServerProcess api(options);
  ASSERT_TRUE(api.ready()) << api.diagnostics();
  auto cli = api.client();
  auto posted = cli.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                           {{"script", "Cold drinks, all day."},
                                                            {"height", "720"}}));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body;
  const std::string id = testing::json_body(posted).value("id", "");

  ASSERT_TRUE(pg.stop());
  auto during = cli.Get("/api/v1/jobs/" + id);
  ASSERT_TRUE(during);
  EXPECT_EQ(during->status, 503) << during->body;
  const auto body = testing::json_body(during);
  EXPECT_EQ(body.value("code", ""), "database_unavailable") << during->body;
  EXPECT_EQ(during->body.find("127.0.0.1"), std::string::npos) << during->body;
  auto ready = cli.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  ASSERT_TRUE(pg.start()) << pg.error();

  // A worker node started after the outage renders the job queued before it.
  ServerOptions worker_options(tmp / "data", options.env, api.api_key());
  worker_options.env["PITCHREEL_ROLE"] = "worker";
  ServerProcess worker(worker_options);
  ASSERT_TRUE(worker.ready()) << worker.diagnostics();
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  EXPECT_EQ(job.value("status", ""), "succeeded") << job.dump() << api.diagnostics();
  EXPECT_EQ(api.terminate(), 0);
}

}  // namespace
}  // namespace pitchreel
