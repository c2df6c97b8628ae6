// Fifty submissions at the same moment from five users in two organisations, against the
// real `pitchreel serve`: every answer is an acceptance or the documented refusal (429
// rate_limited, 503 queue_full, each with Retry-After), the limits hold exactly under the
// race, and every accepted job completes once, with its own video in its own organisation.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

constexpr int kUsers = 5;
constexpr int kPerUser = 10;
constexpr int kUserHourLimit = 8;
constexpr int kQueueLimit = 30;

struct Answer {
  int user = 0;
  int status = 0;
  std::string code;
  std::string retry_after;
  std::string job_id;
};

TEST(ServeConcurrency, FiftySimultaneousSubmissionsAreAcceptedOrRefusedCorrectlyAndAllComplete) {
  TempDir tmp;
  ServerProcess server(
      ServerOptions(tmp / "data", {{"PITCHREEL_WORKERS", "2"},
                                   {"PITCHREEL_RATE_PER_USER_HOUR", std::to_string(kUserHourLimit)},
                                   {"PITCHREEL_RATE_PER_ORG_DAY", "1000"},
                                   {"PITCHREEL_QUEUE_LIMIT", std::to_string(kQueueLimit)}}));
  ASSERT_SERVER_READY(server);

  // Users 0-2 in organisation "north", 3-4 in "south"; all may generate.
  std::vector<std::string> keys, orgs;
  for (int u = 0; u < kUsers; ++u) {
    const std::string org = u < 3 ? "north" : "south";
    const auto created =
        testing::admin_json(tmp / "data", {"user", "create", "--org", org, "--email",
                                           "user" + std::to_string(u) + "@" + org + ".test",
                                           "--role", u % 2 ? "owner" : "admin"});
    ASSERT_TRUE(created.contains("apiKey")) << created.dump();
    keys.push_back(created["apiKey"]);
    orgs.push_back(created["organizationId"]);
  }

  const std::string image = testing::product_jpeg(480, 360);
  std::vector<Answer> answers(kUsers * kPerUser);
  std::barrier start(static_cast<std::ptrdiff_t>(answers.size()));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] {
      Answer& a = answers[i];
      a.user = static_cast<int>(i) % kUsers;
      auto cli = server.client(keys[a.user]);
      // Fifty uploads at once on a small machine: be patient at every step.
      cli.set_connection_timeout(std::chrono::seconds(60));
      cli.set_read_timeout(std::chrono::seconds(60));
      cli.set_write_timeout(std::chrono::seconds(60));
      const auto form = testing::job_form(image, {{"script", "Fresh coffee, every morning."},
                                                  {"aspect", "1:1"},
                                                  {"height", "720"},
                                                  {"captions", "false"},
                                                  {"productId", "p" + std::to_string(i)}});
      start.arrive_and_wait();
      auto res = cli.Post("/api/v1/jobs", form);
      if (!res) {
        a.code = httplib::to_string(res.error());
        return;
      }
      a.status = res->status;
      const auto body = testing::json_body(res);
      a.code = body.value("code", "");
      a.job_id = body.value("id", "");
      a.retry_after = res->get_header_value("Retry-After");
    });
  }
  for (auto& t : threads) t.join();

  std::map<int, int> accepted_by_user, limited_by_user;
  int accepted = 0, queue_full = 0;
  std::set<std::string> job_ids;
  for (const Answer& a : answers) {
    if (a.status == 202) {
      ++accepted;
      ++accepted_by_user[a.user];
      EXPECT_FALSE(a.job_id.empty());
      job_ids.insert(a.job_id);
    } else if (a.status == 429) {
      EXPECT_EQ(a.code, "rate_limited");
      ++limited_by_user[a.user];
      const int wait = std::atoi(a.retry_after.c_str());
      // At most the hour and the second it began in (the window includes its first second).
      EXPECT_TRUE(wait >= 1 && wait <= 3601) << "Retry-After: " << a.retry_after;
    } else if (a.status == 503) {
      EXPECT_EQ(a.code, "queue_full");
      ++queue_full;
      EXPECT_GE(std::atoi(a.retry_after.c_str()), 1) << "Retry-After: " << a.retry_after;
    } else {
      ADD_FAILURE() << "user " << a.user << " got HTTP " << a.status << " " << a.code;
    }
  }
  EXPECT_EQ(job_ids.size(), static_cast<std::size_t>(accepted))
      << "every acceptance is its own job";
  for (int u = 0; u < kUsers; ++u) {
    EXPECT_LE(accepted_by_user[u], kUserHourLimit) << "user " << u << " overshot the hourly limit";
    if (limited_by_user[u] > 0) {
      EXPECT_EQ(accepted_by_user[u], kUserHourLimit)
          << "user " << u << " was rate limited below the limit";
    }
  }
  // A 503 is only right when the queue really held kQueueLimit jobs at that moment.
  if (queue_full > 0) {
    EXPECT_GE(accepted, kQueueLimit);
  }
  EXPECT_GE(accepted, std::min(kQueueLimit, kUsers * kUserHourLimit));

  // Every accepted job completes, exactly once, with one video in its own organisation.
  std::map<std::string, std::set<std::string>> videos_by_org;
  for (const Answer& a : answers) {
    if (a.status != 202) continue;
    auto cli = server.client(keys[a.user]);
    const auto done = testing::wait_for_job(cli, a.job_id, {"succeeded", "failed", "canceled"},
                                            std::chrono::seconds(600));
    ASSERT_EQ(done.value("status", ""), "succeeded") << done.dump() << server.diagnostics();
    videos_by_org[orgs[a.user]].insert(done["video"]["id"].get<std::string>());
  }
  std::size_t videos = 0;
  for (int u : {0, 3}) {  // one user of each organisation lists its gallery
    auto cli = server.client(keys[u]);
    std::set<std::string> listed;
    std::string cursor;
    do {
      auto page = cli.Get("/api/v1/videos?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_TRUE(page);
      const auto body = testing::json_body(page);
      for (const auto& v : body["videos"]) listed.insert(v["id"].get<std::string>());
      cursor = body["nextCursor"].is_string() ? body["nextCursor"].get<std::string>() : "";
    } while (!cursor.empty());
    EXPECT_EQ(listed, videos_by_org[orgs[u]])
        << "the gallery holds exactly the organisation's videos";
    videos += listed.size();
  }
  EXPECT_EQ(videos, static_cast<std::size_t>(accepted));
  std::size_t mp4s = 0;
  for (const auto& p : testing::files_under(tmp / "data" / "storage")) {
    if (p.extension() == ".mp4" && p.string().find(".meta") == std::string::npos) ++mp4s;
  }
  EXPECT_EQ(mp4s, static_cast<std::size_t>(accepted)) << "one stored video per accepted job";
  EXPECT_TRUE(testing::files_left_under(tmp / "data" / "uploads").empty())
      << "inputs are removed once done";
}

}  // namespace
}  // namespace pitchreel
