// Scale-out under load, end to end: two API nodes and two worker nodes (separate
// `pitchreel serve` processes, each with a data directory of its own, so nothing can
// travel through a shared disk) on one PostgreSQL database (tests/support/pg_cluster.h)
// and one S3 bucket (tests/support/s3_server.h).
//
//   * 30 jobs submitted round-robin to both API nodes, inputs kept in the bucket under
//     {org}/inputs/{job id}/ and downloaded by whichever worker claims the job;
//   * the event stream on API node A follows a job submitted to API node B and rendered on
//     a worker node;
//   * kill -9 of a worker node in the middle of a render: its job finishes exactly once on
//     the other worker (attempt 2); the killed node is restarted, and an API node is
//     restarted while jobs are queued: nothing is lost;
//   * at the end: 30 succeeded jobs, 30 video rows with distinct jobs, no job left running,
//     and every object in the bucket belongs to a video row (the inputs are gone).
// And: 50 concurrent submissions by one user, spread over both API nodes, admit exactly
// the hourly limit; the refused ones leave no object behind; a queued job canceled before
// any worker saw it loses its inputs, and still counts toward the limit.
//
// Every wait is a condition polled against a deadline; renders are kept tiny (720p square,
// a short sentence) so the run takes minutes on a loaded 2-core machine.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <map>
#include <set>
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

// Every object key in the bucket (rclone, an independent client).
std::vector<std::string> bucket_keys(const S3Server& s3) {
  auto listing = s3.rclone({"lsjson", "-R", "--files-only", "s3:" + s3.options().bucket});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  std::vector<std::string> keys;
  const auto objects = json::parse(listing.out, nullptr, false);
  if (!objects.is_array()) return keys;
  for (const auto& o : objects) keys.push_back(o.value("Path", ""));
  return keys;
}

std::vector<std::string> input_keys(const S3Server& s3) {
  std::vector<std::string> out;
  for (auto& key : bucket_keys(s3)) {
    if (key.find("/inputs/") != std::string::npos) out.push_back(key);
  }
  return out;
}

std::map<std::string, std::string> tiny_job(int n) {
  return {{"script", "Cold drinks all day, number " + std::to_string(n) + "."},
          {"height", "720"},
          {"aspect", "1:1"},
          {"productId", "p" + std::to_string(n)}};
}

// The statuses an event stream reported, in order (consecutive repeats folded), read until
// the stream ends (the job reached a final state) or the read timeout.
std::vector<std::string> follow_events(httplib::Client client, const std::string& id) {
  std::vector<std::string> statuses;
  std::string buffer;
  client.set_read_timeout(std::chrono::seconds(300));
  client.Get("/api/v1/jobs/" + id + "/events", [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
      const std::string event = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      if (auto at = event.find("data: "); at != std::string::npos) {
        auto j = json::parse(event.substr(at + 6), nullptr, false);
        if (!j.is_discarded()) {
          const std::string s = j.value("status", "");
          if (!s.empty() && (statuses.empty() || statuses.back() != s)) statuses.push_back(s);
        }
      }
    }
    return true;
  });
  return statuses;
}

TEST(ServeScaleOut, TwoApiAndTwoWorkerNodesRenderThirtyJobsEachExactlyOnce) {
  PITCHREEL_REQUIRE_PG(pg);
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  auto env = scale_out_env(pg, testing::fresh_schema(), s3);
  env["PITCHREEL_LEASE_S"] = "5";  // a killed worker's job frees up soon
  env["PITCHREEL_RATE_PER_USER_HOUR"] = "1000";
  env["PITCHREEL_RATE_PER_ORG_DAY"] = "10000";
  env["PITCHREEL_WORKERS"] = "1";

  auto api_a = start_node(tmp / "api-a", env, "api");
  ASSERT_SERVER_READY(*api_a);
  const std::string key = api_a->api_key();
  ASSERT_FALSE(key.empty());
  auto api_b = start_node(tmp / "api-b", env, "api", key);
  ASSERT_SERVER_READY(*api_b);
  std::vector<std::unique_ptr<ServerProcess>> workers;
  workers.push_back(start_node(tmp / "worker-1", env, "worker", key));
  ASSERT_SERVER_READY(*workers[0]);

  // Job 0 is longer (1080p, a paragraph), so it is still rendering when its worker is
  // killed; it is submitted while only worker 1 runs, so worker 1 is the one rendering it.
  std::vector<std::string> ids;
  {
    auto cli = api_a->client();
    auto posted = cli.Post(
        "/api/v1/jobs",
        testing::job_form(testing::product_jpeg(1200, 900),
                          {{"script",
                            "Meet the Aurora bottle, the last water bottle you will ever need. "
                            "Its double steel walls keep drinks ice cold for a full day and hot "
                            "for twelve hours. The leak proof lid clicks shut with one hand, and "
                            "the wide mouth fits ice cubes. Order yours today."},
                           {"height", "1080"},
                           {"productId", "long"}}));
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 202) << posted->body;
    ids.push_back(testing::json_body(posted).value("id", ""));
  }
  const std::string long_job = ids[0];
  {
    auto cli = api_a->client();
    json seen;
    ASSERT_TRUE(testing::eventually(
        [&] {
          seen = testing::json_body(cli.Get("/api/v1/jobs/" + long_job));
          return seen.value("status", "") == "running" && seen.value("progress", 0.0) > 0.05;
        },
        std::chrono::seconds(180)))
        << seen.dump() << workers[0]->diagnostics();
  }
  // Its input was downloaded from the bucket by the worker node: the API node's data
  // directory never held it.
  EXPECT_TRUE(testing::files_under(tmp / "api-a" / "uploads").empty());
  EXPECT_FALSE(input_keys(s3).empty());

  // The second worker joins; then the first is killed mid-render.
  workers.push_back(start_node(tmp / "worker-2", env, "worker", key));
  ASSERT_SERVER_READY(*workers[1]);
  workers[0]->kill9();

  // 29 tiny jobs, round-robin over both API nodes.
  for (int n = 1; n < 30; ++n) {
    auto& node = n % 2 ? *api_b : *api_a;
    auto cli = node.client();
    auto posted = cli.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(), tiny_job(n)));
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 202) << posted->body;
    ids.push_back(testing::json_body(posted).value("id", ""));
  }

  // The killed render is taken over by the other worker node once its lease runs out,
  // and finishes there, exactly once, as attempt 2.
  {
    auto cli = api_a->client();
    const auto job = testing::wait_for_job(cli, long_job, {"succeeded", "failed"},
                                           std::chrono::seconds(400));
    ASSERT_EQ(job.value("status", ""), "succeeded") << job.dump() << workers[1]->diagnostics();
    EXPECT_EQ(job.value("attempts", 0), 2) << job.dump();
    EXPECT_TRUE(workers[1]->wait_for_log("job ended job_id=" + long_job))
        << workers[1]->diagnostics();
  }

  // The killed worker node comes back (its leftovers swept); API node B is restarted
  // while most tiny jobs are still queued (one worker took them meanwhile). Neither loses
  // anything.
  workers[0] = start_node(tmp / "worker-1", env, "worker", key);
  ASSERT_SERVER_READY(*workers[0]);
  EXPECT_EQ(api_b->terminate(), 0);
  api_b = start_node(tmp / "api-b", env, "api", key);
  ASSERT_SERVER_READY(*api_b);

  // The event stream on API node A follows a job submitted to node B (the last one, so
  // still queued behind the others when the stream opens) from queued to its render on
  // a worker node and its end; node B has been restarted since.
  ASSERT_EQ(ids.size() % 2, 0u) << "the last job went to node B";
  const auto statuses = follow_events(api_a->client(), ids.back());
  EXPECT_EQ(statuses, (std::vector<std::string>{"queued", "running", "succeeded"}))
      << ::testing::PrintToString(statuses);

  // Every job succeeds; each is read through the API node it was not submitted to.
  std::set<std::string> stems;
  std::set<std::string> video_ids;
  for (std::size_t n = 0; n < ids.size(); ++n) {
    auto cli = (n % 2 ? *api_a : *api_b).client();
    const auto job = testing::wait_for_job(cli, ids[n], {"succeeded", "failed", "canceled"},
                                           std::chrono::seconds(600));
    ASSERT_EQ(job.value("status", ""), "succeeded")
        << job.dump() << workers[0]->diagnostics(4000) << workers[1]->diagnostics(4000);
    const auto video = job.value("video", json::object());
    video_ids.insert(video.value("id", ""));
    auto file = video.value("fileName", "");
    ASSERT_TRUE(file.ends_with(".mp4")) << job.dump();
    stems.insert(file.substr(0, file.size() - 4));
  }
  EXPECT_EQ(video_ids.size(), 30u);
  EXPECT_EQ(stems.size(), 30u);

  // 30 video rows, one per job; no job left queued or running.
  {
    auto cli = api_b->client();
    const auto page = testing::json_body(cli.Get("/api/v1/videos?limit=100"));
    ASSERT_TRUE(page.contains("videos")) << page.dump();
    std::set<std::string> listed;
    for (const auto& v : page["videos"]) listed.insert(v.value("id", ""));
    EXPECT_EQ(listed, video_ids);
    const auto metrics = cli.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(testing::metric_value(metrics->body, R"(pitchreel_jobs{status="running"})"), 0);
    EXPECT_EQ(testing::metric_value(metrics->body, R"(pitchreel_jobs{status="queued"})"), 0);
    EXPECT_EQ(testing::metric_value(metrics->body, R"(pitchreel_jobs{status="succeeded"})"), 30);
  }

  // The bucket holds the 30 videos (video, poster, captions each) and nothing else: the
  // inputs are removed as jobs end (the killed attempt's by its successor).
  ASSERT_TRUE(testing::eventually([&] { return input_keys(s3).empty(); }, std::chrono::seconds(60)))
      << ::testing::PrintToString(input_keys(s3));
  std::map<std::string, int> per_stem;
  for (const auto& object : bucket_keys(s3)) {
    const auto slash = object.rfind('/');
    const auto dot = object.rfind('.');
    ASSERT_NE(object.find("/videos/ai-generated/"), std::string::npos) << object;
    const auto stem = object.substr(slash + 1, dot - slash - 1);
    EXPECT_TRUE(stems.contains(stem)) << "an object without its video row: " << object;
    ++per_stem[stem];
  }
  EXPECT_EQ(per_stem.size(), 30u);
  for (const auto& [stem, count] : per_stem) EXPECT_EQ(count, 3) << stem;

  EXPECT_EQ(api_a->terminate(), 0);
  EXPECT_EQ(api_b->terminate(), 0);
  for (auto& w : workers) EXPECT_EQ(w->terminate(), 0);
}

TEST(ServeScaleOut, FiftyConcurrentSubmissionsOverTwoApiNodesAdmitExactlyTheHourlyLimit) {
  PITCHREEL_REQUIRE_PG(pg);
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  auto env = scale_out_env(pg, testing::fresh_schema(), s3);
  env["PITCHREEL_RATE_PER_USER_HOUR"] = "7";
  // No worker node: admitted jobs stay queued, so the test needs no render.
  auto api_a = start_node(tmp / "api-a", env, "api");
  ASSERT_SERVER_READY(*api_a);
  auto api_b = start_node(tmp / "api-b", env, "api", api_a->api_key());
  ASSERT_SERVER_READY(*api_b);

  const auto image = testing::product_jpeg();
  std::atomic<int> accepted{0}, limited{0}, other{0};
  std::mutex ids_mutex;
  std::vector<std::string> ids;
  std::vector<std::thread> threads;
  for (int n = 0; n < 50; ++n) {
    threads.emplace_back([&, n] {
      auto cli = (n % 2 ? *api_b : *api_a).client();
      cli.set_read_timeout(std::chrono::seconds(120));
      auto posted = cli.Post("/api/v1/jobs", testing::job_form(image, tiny_job(n)));
      if (posted && posted->status == 202) {
        ++accepted;
        std::lock_guard lock(ids_mutex);
        ids.push_back(testing::json_body(posted).value("id", ""));
      } else if (posted && posted->status == 429 &&
                 testing::json_body(posted).value("code", "") == "rate_limited") {
        ++limited;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 7);
  EXPECT_EQ(limited.load(), 43);
  EXPECT_EQ(other.load(), 0);

  // Only the admitted jobs' inputs are in the bucket, one image each under its job id.
  auto inputs = input_keys(s3);
  ASSERT_EQ(inputs.size(), 7u) << ::testing::PrintToString(inputs);
  for (const auto& id : ids) {
    EXPECT_EQ(std::count_if(inputs.begin(), inputs.end(),
                            [&](const std::string& k) { return k.ends_with("/inputs/" + id + "/image"); }),
              1)
        << id;
  }

  // A queued job canceled before any worker saw it: its input goes at once, and the
  // canceled job still counts toward the limit (cancel-and-resubmit is refused).
  auto cli = api_b->client();
  auto canceled = cli.Post("/api/v1/jobs/" + ids[0] + "/cancel", "", "application/json");
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->status, 202) << canceled->body;
  inputs = input_keys(s3);
  EXPECT_EQ(inputs.size(), 6u);
  for (const auto& k : inputs) EXPECT_EQ(k.find(ids[0]), std::string::npos) << k;
  auto again = cli.Post("/api/v1/jobs", testing::job_form(image, tiny_job(99)));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 429) << again->body;
  EXPECT_EQ(input_keys(s3).size(), 6u);

  EXPECT_EQ(api_a->terminate(), 0);
  EXPECT_EQ(api_b->terminate(), 0);
}

}  // namespace
}  // namespace pitchreel
