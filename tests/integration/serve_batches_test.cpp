// Catalogue batches, fair claims and usage against the real `pitchreel serve`, on SQLite and
// on PostgreSQL (a private cluster, tests/support/pg_cluster.h, with local storage as a
// single node): a 200-item batch with bad rows is refused with their row numbers (CSV and
// JSON) and creates nothing; a valid batch runs to completion with every item's video
// while an interactive job of another organisation starts within one job's duration;
// usage equals the sums of the jobs and videos it covers, with a cost only for set prices.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <regex>
#include <thread>

#include "support/loopback_server.h"
#include "support/pg_cluster.h"
#include "support/s3_server.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

enum class Engine { kSqlite, kPostgres };

constexpr int kQuota = 20;  // PITCHREEL_RATE_PER_ORG_DAY of these servers
constexpr double kCpuPrice = 0.5;
// Organisation-labelled /metrics series are shown to the operator only.
constexpr const char* kOperatorToken = "operator-token-for-batch-tests-0123456789";

// The product photos the batch items name by address.
class PhotoServer {
 public:
  PhotoServer() {
    jpeg_ = testing::product_jpeg(640, 480);
    server_.http().Get("/photo.jpg", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(jpeg_, "image/jpeg");
    });
    server_.http().Get("/missing.jpg", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
    });
    started_ = server_.start();
  }
  bool started() const { return started_; }
  std::string url(const std::string& name) const { return server_.url() + "/" + name; }

 private:
  testing::LoopbackServer server_;
  std::string jpeg_;
  bool started_ = false;
};

class ServeBatches : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::map<std::string, std::string> env = {
        {"PITCHREEL_RATE_PER_ORG_DAY", std::to_string(kQuota)},
        {"PITCHREEL_RATE_PER_USER_HOUR", "5"},
        {"PITCHREEL_ALLOW_PRIVATE_IMAGE_URLS", "true"},
        {"PITCHREEL_WORKERS", "1"},
        {"PRICE_CPU_HOUR", "0.5"},
        {"PITCHREEL_OPERATOR_TOKEN", kOperatorToken}};
    if (GetParam() == Engine::kPostgres) {
      auto& pg = testing::shared_pg_cluster();
      if (!pg.ready()) GTEST_SKIP() << "no PostgreSQL test cluster: " << pg.error();
      db_env_ = {{"DATABASE_URL", pg.url()},
                 {"PITCHREEL_DB_SCHEMA", testing::fresh_schema()},
                 {"PITCHREEL_SINGLE_NODE", "true"}};
      env.insert(db_env_.begin(), db_env_.end());
    }
    ServerOptions options(tmp_ / "data", env);
    options.startup_timeout = std::chrono::seconds(90);
    server_ = std::make_unique<ServerProcess>(options);
    ASSERT_SERVER_READY(*server_);
  }

  // `pitchreel admin ... --json` on this server's database.
  json admin(std::vector<std::string> args) {
    std::vector<std::string> cmd = {PITCHREEL_BINARY, "admin", "--data-dir",
                                    server_->data_dir().string()};
    cmd.insert(cmd.end(), args.begin(), args.end());
    cmd.push_back("--json");
    std::vector<std::string> env = {"PRICE_CPU_HOUR=0.5"};  // as the server's
    for (const auto& [k, v] : db_env_) env.push_back(k + "=" + v);
    auto r = testing::run_command(cmd, env);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return json::parse(r.out, nullptr, false);
  }

  json get(const std::string& path, const std::string& key = {}) {
    auto cli = key.empty() ? server_->client() : server_->client(key);
    auto res = cli.Get(path);
    EXPECT_TRUE(res && res->status == 200) << path << ": " << (res ? res->body : "no answer");
    return testing::json_body(res);
  }

  // Polls the batch until `done(batch)` or the deadline.
  json wait_batch(const std::string& id, const std::function<bool(const json&)>& done,
                  std::chrono::seconds timeout = std::chrono::seconds(300)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json b;
    while (std::chrono::steady_clock::now() < deadline) {
      b = get("/api/v1/batches/" + id);
      if (!b.is_null() && done(b)) return b;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "batch " << id << " did not get there in time: " << b.dump();
    return b;
  }

  TempDir tmp_;
  std::map<std::string, std::string> db_env_;
  std::unique_ptr<ServerProcess> server_;
};

// 200 rows; rows whose index is in `bad` break one rule each.
std::string catalogue_csv(const std::set<int>& bad) {
  std::string csv = "Product ID,Product Name,Product Description,Image URL,Height,Shop Category\n";
  for (int i = 0; i < 200; ++i) {
    std::string height = "720", image = "https://shop.example/p" + std::to_string(i) + ".jpg";
    std::string id = "sku-" + std::to_string(i);
    if (bad.contains(i)) {
      if (i % 3 == 0) height = "999";
      if (i % 3 == 1) image = "";
      if (i % 3 == 2) id = "bad id/with slash";
    }
    csv += id + ",Bottle " + std::to_string(i) + ",\"Keeps drinks cold, all day\"," + image + "," +
           height + ",kitchen\n";
  }
  return csv;
}

json catalogue_json(const std::set<int>& bad) {
  json items = json::array();
  for (int i = 0; i < 200; ++i) {
    json item = {{"productId", "sku-" + std::to_string(i)},
                 {"productName", "Bottle " + std::to_string(i)},
                 {"imageUrl", "https://shop.example/p" + std::to_string(i) + ".jpg"}};
    if (bad.contains(i)) {
      if (i % 3 == 0) item["height"] = 999;
      if (i % 3 == 1) item.erase("imageUrl");
      if (i % 3 == 2) item["imageUrl"] = "/etc/passwd";  // no server file for a request
    }
    items.push_back(item);
  }
  return {{"defaults", {{"aspect", "1:1"}, {"captions", false}}}, {"items", items}};
}

std::set<int> rows_of(const json& problems) {
  std::set<int> rows;
  for (const auto& p : problems) rows.insert(p["row"].get<int>());
  return rows;
}

TEST_P(ServeBatches, A200ItemBatchWithBadRowsIsRefusedWholeWithTheirRowNumbers) {
  auto cli = server_->client();
  const std::set<int> bad = {4, 57, 59, 133, 199};  // one of each rule (i % 3)
  // CSV: rows count as a spreadsheet numbers them (the header is row 1).
  httplib::MultipartFormDataItems form = {
      {"file", catalogue_csv(bad), "catalogue.csv", "text/csv"}, {"voice", "en-us", "", ""}};
  auto csv = cli.Post("/api/v1/batches", form);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 400) << csv->body;
  auto body = testing::json_body(csv);
  EXPECT_EQ(body["code"], "batch_invalid");
  EXPECT_EQ(rows_of(body["problems"]), (std::set<int>{6, 59, 61, 135, 201})) << body.dump(1);
  for (const auto& p : body["problems"]) {
    EXPECT_FALSE(p["message"].get<std::string>().empty());
    const int row = p["row"].get<int>();
    const std::string expected = (row - 2) % 3 == 0   ? "invalid_height"
                                 : (row - 2) % 3 == 1 ? "image_missing"
                                                      : "invalid_product_id";
    EXPECT_EQ(p["code"], expected) << p.dump();
  }
  // JSON: rows are the items' 1-based indexes; a path is not an address.
  auto js = cli.Post("/api/v1/batches", catalogue_json(bad).dump(), "application/json");
  ASSERT_TRUE(js);
  ASSERT_EQ(js->status, 400) << js->body;
  body = testing::json_body(js);
  EXPECT_EQ(rows_of(body["problems"]), (std::set<int>{5, 58, 60, 134, 200})) << body.dump(1);
  EXPECT_EQ(body["problems"][2]["code"], "image_url_invalid") << body.dump(1);
  EXPECT_EQ(body["problems"][2]["field"], "imageUrl");

  // dryRun answers the same problems with 200, and lists the ignored column.
  auto dry = cli.Post("/api/v1/batches?dryRun=true", form);
  ASSERT_TRUE(dry);
  ASSERT_EQ(dry->status, 200) << dry->body;
  body = testing::json_body(dry);
  EXPECT_FALSE(body["valid"].get<bool>());
  EXPECT_EQ(body["rows"], 200);
  EXPECT_EQ(body["itemCount"], 195);
  EXPECT_EQ(body["ignoredFields"], json::array({"Shop Category"}));

  // A valid 200-item batch does not fit a daily quota of 20: refused whole, with what fits.
  auto big = cli.Post("/api/v1/batches", catalogue_json({}).dump(), "application/json");
  ASSERT_TRUE(big);
  ASSERT_EQ(big->status, 429) << big->body;
  body = testing::json_body(big);
  EXPECT_EQ(body["code"], "quota_exceeded");
  EXPECT_EQ(body["fitsNow"], kQuota);
  EXPECT_TRUE(body["fitsAllInSeconds"].is_null()) << "200 items never fit a quota of 20";

  // Nothing was created by any of them.
  EXPECT_TRUE(get("/api/v1/batches")["batches"].empty());
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 0) << metrics->body;
}

// Reads the batch's event stream to its end: the event names, and the last data.
void read_batch_events(ServerProcess& server, const std::string& id,
                       std::vector<std::string>* names, json* last) {
  auto cli = server.client();
  cli.set_read_timeout(std::chrono::seconds(300));
  std::string buffer;
  auto res = cli.Get("/api/v1/batches/" + id + "/events", [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    std::size_t end;
    while ((end = buffer.find("\n\n")) != std::string::npos) {
      std::istringstream block(buffer.substr(0, end));
      buffer.erase(0, end + 2);
      for (std::string line; std::getline(block, line);) {
        if (line.rfind("event: ", 0) == 0) names->push_back(line.substr(7));
        if (line.rfind("data: ", 0) == 0) *last = json::parse(line.substr(6), nullptr, false);
      }
    }
    return true;
  });
  if (!res) ADD_FAILURE() << "batch event stream failed: " << httplib::to_string(res.error());
}

TEST_P(ServeBatches, ABatchRunsToCompletionBesideAnotherOrganisationsJobAndUsageAddsUp) {
  PhotoServer photos;
  ASSERT_TRUE(photos.started());
  const json me = get("/api/v1/me");
  const std::string org_a = me["organizationId"];
  // Four items (smallest renders: 720p square, one short line, no captions); the last one's
  // photo cannot be fetched, which fails only that item.
  json items = json::array();
  for (int i = 0; i < 3; ++i) {
    items.push_back({{"productId", "sku-" + std::to_string(i)},
                     {"imageUrl", photos.url("photo.jpg")},
                     {"script", "A bottle."}});
  }
  items.push_back({{"productId", "sku-x"}, {"imageUrl", photos.url("missing.jpg")}, {"script", "A bottle."}});
  const json request = {{"defaults", {{"height", 720}, {"aspect", "1:1"}, {"captions", false}}},
                        {"items", items}};
  auto cli = server_->client();
  auto created = cli.Post("/api/v1/batches", request.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const json batch = testing::json_body(created);
  const std::string id = batch["id"];
  EXPECT_EQ(batch["itemCount"], 4);
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/batches/" + id);

  std::vector<std::string> event_names;
  json last_event;
  std::thread events([&] { read_batch_events(*server_, id, &event_names, &last_event); });
  // A failed assertion below returns early: stop the server so the stream ends, then join.
  struct Joiner {
    std::thread& thread;
    ServerProcess& server;
    ~Joiner() {
      if (thread.joinable()) {
        server.kill9();
        thread.join();
      }
    }
  } joiner{events, *server_};

  // Another organisation's interactive job, submitted while the batch is being worked on.
  const json b_user = admin({"user", "create", "--org", "Beta", "--email", "b@beta.test", "--role", "admin"});
  ASSERT_TRUE(b_user.contains("apiKey")) << b_user.dump();
  const json running = wait_batch(id, [](const json& b) {
    return b["counts"]["running"].get<int>() + b["counts"]["succeeded"].get<int>() +
               b["counts"]["failed"].get<int>() >= 1;
  });
  auto b_cli = server_->client(b_user["apiKey"].get<std::string>());
  auto single = b_cli.Post("/api/v1/jobs",
                           testing::job_form(testing::product_jpeg(640, 480),
                                             {{"script", "A bottle."}, {"height", "720"},
                                              {"aspect", "1:1"}, {"captions", "false"}}));
  ASSERT_TRUE(single);
  ASSERT_EQ(single->status, 202) << single->body;
  const std::string b_job = testing::json_body(single)["id"];
  // The batch's items started (or done) when B's job was queued: read after the submit,
  // so it may count one more than at the moment of submission, never fewer.
  const json at_submit = get("/api/v1/batches/" + id);
  const int a_started_at_submit = 4 - at_submit["counts"]["queued"].get<int>();
  const json b_done = testing::wait_for_job(b_cli, b_job, {"succeeded", "failed"});
  EXPECT_EQ(b_done["status"], "succeeded") << b_done.dump();
  EXPECT_TRUE(b_done["batchId"].is_null());

  const json done = wait_batch(id, [](const json& b) { return b["status"] == "completed"; });
  events.join();

  // Fairness: with one worker, B's job started before any A item that was still queued
  // when it was submitted, give or take the claim in flight at that moment: within one
  // job's duration. Measured on the worker's own record of starts (the log).
  const std::string log = server_->stderr_text();
  std::vector<std::string> starts;
  const std::regex started(R"(job started job_id=([0-9a-f-]+) org=([0-9a-f-]+))");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
    starts.push_back((*it)[2] == org_a ? "A" : (*it)[1] == b_job ? "B" : "?");
  }
  const auto b_at = std::find(starts.begin(), starts.end(), "B");
  ASSERT_NE(b_at, starts.end()) << log;
  const auto a_before_b = std::count(starts.begin(), b_at, "A");
  std::cout << "fairness: A items started when B was queued: " << a_started_at_submit
            << "; start order: " << json(starts).dump() << "\n";
  EXPECT_LE(a_before_b, a_started_at_submit + 1) << "start order: " << json(starts).dump();
  EXPECT_LT(a_before_b, 4) << "B waited for the whole batch";

  // Every item's job and video; the bad photo failed only its item.
  EXPECT_EQ(done["counts"]["succeeded"], 3) << done.dump(1);
  EXPECT_EQ(done["counts"]["failed"], 1);
  EXPECT_EQ(done["progress"], 1.0);
  EXPECT_TRUE(done["completedAt"].is_number());
  ASSERT_EQ(done["items"].size(), 4u);
  double video_seconds = 0, cpu_seconds = 0;
  std::int64_t bytes = 0;
  for (const auto& item : done["items"]) {
    const json& job = item["job"];
    EXPECT_EQ(job["batchId"], id);
    EXPECT_EQ(get("/api/v1/jobs/" + job["id"].get<std::string>())["batchId"], id);
    cpu_seconds += job["cpuSeconds"].get<double>();
    if (job["productId"] == "sku-x") {
      EXPECT_EQ(job["status"], "failed");
      EXPECT_TRUE(job["video"].is_null());
      EXPECT_NE(job["error"]["code"].get<std::string>().find("image"), std::string::npos) << job.dump();
      continue;
    }
    EXPECT_EQ(job["status"], "succeeded") << job.dump();
    ASSERT_TRUE(job["video"].is_object()) << job.dump();
    EXPECT_EQ(job["video"]["batchId"], id);
    EXPECT_EQ(job["video"]["height"], 720);
    EXPECT_GT(job["cpuSeconds"].get<double>(), 0);
    auto file = cli.Get(testing::url_path(job["video"]["url"]));
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200);
    EXPECT_EQ(static_cast<std::int64_t>(file->body.size()), job["video"]["size"].get<std::int64_t>());
    video_seconds += job["video"]["durationSec"].get<double>();
    bytes += job["video"]["size"].get<std::int64_t>();
  }
  // The stream followed the batch and ended with it completed.
  ASSERT_FALSE(event_names.empty());
  EXPECT_EQ(std::count(event_names.begin(), event_names.end(), "batch"),
            static_cast<std::ptrdiff_t>(event_names.size()));
  EXPECT_EQ(last_event["status"], "completed");
  EXPECT_EQ(last_event["counts"]["succeeded"], 3);

  // Usage of A: exactly the sums of its jobs and videos; a cost only for the set price.
  const json usage = get("/api/v1/usage");
  const json& total = usage["total"];
  EXPECT_EQ(total["videos"], 3) << usage.dump(1);
  EXPECT_EQ(total["failed"], 1);
  EXPECT_NEAR(total["videoSeconds"].get<double>(), video_seconds, 1e-6);
  EXPECT_NEAR(total["cpuSeconds"].get<double>(), cpu_seconds, 1e-6);
  EXPECT_EQ(total["gpuSeconds"], 0.0);
  EXPECT_EQ(usage["storedBytes"], bytes);
  ASSERT_EQ(usage["periods"].size(), 1u);
  EXPECT_EQ(usage["periods"][0]["videos"], 3);
  ASSERT_TRUE(total.contains("cost"));
  EXPECT_NEAR(total["cost"]["cpu"].get<double>(), cpu_seconds / 3600 * kCpuPrice, 1e-9);
  EXPECT_FALSE(total["cost"].contains("gpu")) << "PRICE_GPU_HOUR is not set";
  EXPECT_FALSE(total["cost"].contains("storagePerMonth")) << "PRICE_STORAGE_GB_MONTH is not set";
  EXPECT_EQ(usage["prices"], json({{"cpuHour", kCpuPrice}}));
  const json by_month = get("/api/v1/usage?granularity=month");
  EXPECT_EQ(by_month["total"]["videos"], 3);
  // B's usage is B's alone.
  EXPECT_EQ(get("/api/v1/usage", b_user["apiKey"])["total"]["videos"], 1);
  // The operator's view and /metrics agree.
  const json cli_usage = admin({"usage", "--org", "default"});
  EXPECT_EQ(cli_usage["total"], total);
  auto metrics = server_->client(kOperatorToken).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_org_videos{organization=\"" + org_a + "\"}"), 3)
      << metrics->body;
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_org_stored_bytes{organization=\"" + org_a + "\"}"),
            static_cast<double>(bytes));

  // The listing has it; canceling a finished batch changes nothing.
  EXPECT_EQ(get("/api/v1/batches")["batches"][0]["id"], id);
  auto again = cli.Post("/api/v1/batches/" + id + "/cancel");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202);
  EXPECT_EQ(testing::json_body(again)["counts"]["succeeded"], 3);
  // Another organisation cannot see it.
  auto hidden = b_cli.Get("/api/v1/batches/" + id);
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404);
}

TEST_P(ServeBatches, CancelingABatchCancelsItsQueuedItems) {
  json items = json::array();
  for (int i = 0; i < 5; ++i) {
    items.push_back({{"imageUrl", "http://127.0.0.1:9/photo.jpg"}, {"script", "A bottle."}});
  }
  auto cli = server_->client();
  auto created = cli.Post("/api/v1/batches", json{{"items", items}}.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = testing::json_body(created)["id"];
  auto canceled = cli.Post("/api/v1/batches/" + id + "/cancel");
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->status, 202) << canceled->body;
  EXPECT_TRUE(testing::json_body(canceled)["cancelRequested"].get<bool>());
  const json done = wait_batch(id, [](const json& b) { return b["status"] == "completed"; });
  EXPECT_GE(done["counts"]["canceled"].get<int>(), 4) << done.dump(1);
  EXPECT_EQ(done["counts"]["succeeded"], 0);
  auto missing = cli.Post("/api/v1/batches/00000000-0000-0000-0000-000000000000/cancel");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServeBatches, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& p) {
                           return p.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace pitchreel
