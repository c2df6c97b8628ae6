// End to end against the real `pitchreel serve`: every refused submission answers its
// documented status and code, and leaves nothing behind (no job, no video, no upload).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <thread>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kScript = "The Aurora bottle keeps drinks cold.";

class ServeLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(ServerOptions(
        tmp_ / "data", {{"PITCHREEL_MAX_BODY_MB", "1"}, {"PITCHREEL_RATE_PER_USER_HOUR", "1"}}));
    ASSERT_SERVER_READY(*server_);
    image_ = testing::product_jpeg(640, 480);
  }

  // Submits and expects `status` with `code`; then checks that nothing was stored.
  json expect_refused(const httplib::Result& res, int status, const std::string& code) {
    EXPECT_TRUE(res) << (res ? "" : httplib::to_string(res.error()));
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << res->body;
    const auto body = testing::json_body(res);
    EXPECT_EQ(body["success"], false) << res->body;
    if (!code.empty()) {
      EXPECT_EQ(body["code"], code) << res->body;
    }
    EXPECT_TRUE(body["error"].is_string() && !body["error"].get<std::string>().empty()) << res->body;
    EXPECT_FALSE(res->get_header_value("X-Request-Id").empty());
    expect_nothing_stored();
    return body;
  }

  void expect_nothing_stored() {
    auto cli = server_->client();
    auto list = cli.Get("/api/v1/videos");
    ASSERT_TRUE(list);
    EXPECT_TRUE(testing::json_body(list)["videos"].empty()) << list->body;
    EXPECT_TRUE(testing::files_under(server_->data_dir() / "uploads").empty());
    auto metrics = cli.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 0) << "a job was created:\n" << metrics->body;
  }

  httplib::Result submit(const std::map<std::string, std::string>& fields) {
    auto cli = server_->client();
    return cli.Post("/api/v1/jobs", testing::job_form(image_, fields));
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::string image_;
};

TEST_F(ServeLimits, ScriptChecks) {
  const auto too_long = expect_refused(submit({{"script", std::string(600, 'a')}, {"height", "720"}}), 400,
                                       "script_too_long");
  EXPECT_NE(too_long.value("error", "").find("600"), std::string::npos) << too_long.dump();

  // Invalid UTF-8 only (nothing left after the invalid bytes are dropped), emoji only.
  expect_refused(submit({{"script", "\xff\xfe\xc3\x28\xa0\xa1"}, {"height", "720"}}), 400, "");
  expect_refused(submit({{"script", "\xF0\x9F\x8E\x89\xF0\x9F\x94\xA5\xF0\x9F\x91\x8D"}, {"height", "720"}}), 400,
                 "script_unspeakable");
  expect_refused(submit({{"height", "720"}}), 400, "script_missing");
}

TEST_F(ServeLimits, FieldChecks) {
  expect_refused(submit({{"script", kScript}, {"voice", "xx-no-such-voice"}}), 400, "voice_not_found");
  expect_refused(submit({{"script", kScript}, {"productId", "../etc"}}), 400, "invalid_product_id");
  expect_refused(submit({{"script", kScript}, {"height", "480"}}), 400, "invalid_height");

  auto cli = server_->client();
  expect_refused(cli.Post("/api/v1/jobs", testing::job_form("", {{"script", kScript}})), 400, "image_missing");

  const std::string html = "<!DOCTYPE html><html><head><title>x</title></head><body>not a photo</body></html>";
  expect_refused(cli.Post("/api/v1/jobs", testing::job_form(html, {{"script", kScript}}, "product.jpg", "image/jpeg")),
                 415, "image_unreadable");

  expect_refused(cli.Post("/api/v1/jobs", "script=hello", "application/x-www-form-urlencoded"), 415,
                 "unsupported_media_type");
}

TEST_F(ServeLimits, BodyTooLarge) {
  std::string big(1536 * 1024, '\0');
  std::mt19937 rng(7);
  for (auto& c : big) c = static_cast<char>(rng());
  auto cli = server_->client();
  expect_refused(cli.Post("/api/v1/jobs", testing::job_form(big, {{"script", kScript}})), 413, "body_too_large");
  auto seed = server_->client();
  expect_refused(seed.Post("/api/generate-video", testing::job_form(big, {{"script", kScript}})), 413,
                 "body_too_large");
}

TEST_F(ServeLimits, PrivateImageUrlsAreRefused) {
  auto cli = server_->client();
  const auto url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/x";
  expect_refused(cli.Post("/api/v1/jobs", json{{"script", kScript}, {"imageUrl", url}}.dump(), "application/json"),
                 400, "image_url_forbidden");
  expect_refused(cli.Post("/api/v1/jobs", testing::job_form("", {{"script", kScript}, {"imageUrl", url}})), 400,
                 "image_url_forbidden");
  const auto localhost = "http://localhost:" + std::to_string(server_->port()) + "/healthz";
  expect_refused(
      cli.Post("/api/v1/jobs", json{{"script", kScript}, {"imageUrl", localhost}}.dump(), "application/json"), 400,
      "image_url_forbidden");
}

TEST_F(ServeLimits, RatePerUserHour) {
  auto cli = server_->client();
  const auto form = testing::job_form(image_, {{"script", kScript}, {"height", "720"}, {"captions", "false"}});
  auto first = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 202) << first->body;
  const std::string id = testing::json_body(first)["id"];

  auto second = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;
  EXPECT_EQ(testing::json_body(second)["code"], "rate_limited");
  const auto retry_after = second->get_header_value("Retry-After");
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GT(std::atoi(retry_after.c_str()), 0) << retry_after;
  // The seed route counts against the same limit.
  auto seed = cli.Post("/api/generate-video", form);
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed->status, 429) << seed->body;

  // Only the first job exists, and once it is done nothing else is left behind.
  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_EQ(testing::json_body(cli.Get("/api/v1/videos"))["videos"].size(), 1u);
  EXPECT_TRUE(testing::files_left_under(server_->data_dir() / "uploads").empty());
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_jobs{status=\"succeeded\"}"), 1) << metrics->body;
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 1) << metrics->body;
}

// A client that retries an accepted submission (say, after a timeout) with its
// Idempotency-Key must get the job it already has, not a 429: the retry asks for nothing new.
TEST_F(ServeLimits, IdempotentReplayIsNotRateLimited) {
  auto cli = server_->client();
  const auto form = testing::job_form(image_, {{"script", kScript}, {"height", "720"}, {"captions", "false"}});
  const httplib::Headers idem = {{"Idempotency-Key", "retry-me-1"}};
  auto first = cli.Post("/api/v1/jobs", idem, form);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 202) << first->body;
  const std::string id = testing::json_body(first)["id"];

  auto replay = cli.Post("/api/v1/jobs", idem, form);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 200) << replay->body;
  EXPECT_EQ(testing::json_body(replay)["id"], id) << replay->body;

  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_TRUE(testing::files_left_under(server_->data_dir() / "uploads").empty());
}

// The limit holds under concurrency too: requests that arrive together cannot all pass
// the count before any of them is recorded.
TEST_F(ServeLimits, ConcurrentSubmissionsRespectTheRateLimit) {
  constexpr int kClients = 4;
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([this, i, &statuses] {
      auto cli = server_->client();
      auto res = cli.Post("/api/v1/jobs", testing::job_form(image_, {{"script", kScript + std::string(" Number ") +
                                                                                   std::to_string(i) + "."},
                                                                      {"height", "720"},
                                                                      {"captions", "false"}}));
      statuses[static_cast<std::size_t>(i)] = res ? res->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  int accepted = 0, limited = 0;
  for (int s : statuses) {
    accepted += s == 202;
    limited += s == 429;
  }
  EXPECT_EQ(accepted, 1) << "PITCHREEL_RATE_PER_USER_HOUR=1, yet " << accepted << " of " << kClients
                         << " concurrent submissions were accepted";
  EXPECT_EQ(limited, kClients - 1);
  auto metrics = server_->client().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 1) << metrics->body;
}

}  // namespace
}  // namespace pitchreel
