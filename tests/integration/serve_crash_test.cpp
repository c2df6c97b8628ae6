// End to end against the real `pitchreel serve`: a server killed (-9) in the middle of a
// render, or stopped with SIGTERM and no grace, loses no job and duplicates none. After a
// restart on the same data directory the job runs again and finishes exactly once, and
// nothing of the interrupted attempt is left in the data directory.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <chrono>
#include <iostream>
#include <thread>

#include "db/database.h"
#include "db/job_repository.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

// Long enough that a 1080p render takes a few seconds on a small machine.
constexpr const char* kLongScript =
    "Meet the Aurora bottle, the last water bottle you will ever need. Its double steel walls keep "
    "drinks ice cold for a full day and hot for twelve hours. The leak proof lid clicks shut with "
    "one hand, and the wide mouth fits ice cubes. It slides into every cup holder. Order yours today.";

httplib::MultipartFormDataItems long_job() {
  return testing::job_form(testing::product_jpeg(1200, 900),
                           {{"script", kLongScript}, {"productId", "aurora"}, {"height", "1080"}});
}

// Waits until the job is running and has made some progress into the render.
json wait_mid_render(httplib::Client& cli, const std::string& id) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  json job;
  while (Clock::now() < deadline) {
    job = testing::json_body(cli.Get("/api/v1/jobs/" + id));
    if (job.value("status", "") == "running" && job.value("progress", 0.0) > 0.05) return job;
    if (job.value("status", "") != "queued" && job.value("status", "") != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the job never got into its render; last seen " << job.dump();
  return job;
}

// No file of an interrupted attempt may remain: the work folder empties (right after the
// job is marked succeeded, so it is polled briefly), no temporary object is left in storage,
// and the upload is gone.
void expect_clean_data_dir(const std::filesystem::path& data) {
  std::vector<std::filesystem::path> left;
  testing::eventually(
      [&] {
        left.clear();
        for (const auto& e : std::filesystem::directory_iterator(data / "work")) {
          left.push_back(e.path());
        }
        return left.empty();
      },
      std::chrono::seconds(5));
  for (const auto& p : left) ADD_FAILURE() << "left in work/: " << p;
  std::size_t videos = 0;
  for (const auto& p : testing::files_under(data / "storage")) {
    const auto relative = std::filesystem::relative(p, data / "storage").string();
    // LocalStore writes under .tmp/ (put-XXXXXX) and renames into place.
    if (relative.find(".tmp") != std::string::npos) ADD_FAILURE() << "temporary in storage/: " << relative;
    if (relative.rfind(".meta/", 0) != 0 && p.extension() == ".mp4") ++videos;
  }
  EXPECT_EQ(videos, 1u) << "exactly one stored video";
  for (const auto& p : testing::files_left_under(data / "uploads")) {
    ADD_FAILURE() << "left in uploads/: " << p;
  }
}

void expect_single_video(ServerProcess& server, const std::string& id) {
  auto cli = server.client();
  const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed", "canceled"}, std::chrono::seconds(240));
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_GE(done.value("attempts", 0), 1);
  const auto videos = testing::json_body(cli.Get("/api/v1/videos"))["videos"];
  ASSERT_EQ(videos.size(), 1u) << videos.dump();
  EXPECT_EQ(videos[0]["id"], done["video"]["id"]);
  EXPECT_EQ(videos[0]["height"], 1080);
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(testing::metric_sum(metrics->body, "pitchreel_jobs"), 1) << metrics->body;
  EXPECT_EQ(testing::metric_value(metrics->body, "pitchreel_jobs{status=\"succeeded\"}"), 1) << metrics->body;
  // The video plays from its URL.
  auto head = server.anonymous_client().Get(testing::url_path(videos[0]["url"]), {{"Range", "bytes=0-15"}});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 206);
  EXPECT_EQ(head->body.substr(4, 4), "ftyp");
}

TEST(ServeCrash, KilledMidRenderTheJobCompletesExactlyOnceAfterRestart) {
  TempDir tmp;
  const auto data = tmp / "data";
  const std::map<std::string, std::string> env = {{"PITCHREEL_LEASE_S", "5"}};
  std::string key, id;
  {
    ServerProcess first(ServerOptions(data, env));
    ASSERT_SERVER_READY(first);
    key = first.api_key();
    auto cli = first.client();
    auto submitted = cli.Post("/api/v1/jobs", long_job());
    ASSERT_TRUE(submitted);
    ASSERT_EQ(submitted->status, 202) << submitted->body;
    id = testing::json_body(submitted)["id"];
    const auto running = wait_mid_render(cli, id);
    ASSERT_EQ(running["status"], "running");
    first.kill9();
    EXPECT_FALSE(testing::files_under(data / "work").empty()) << "the killed render left no work files?";
  }

  ServerProcess second(ServerOptions(data, env, key));
  ASSERT_SERVER_READY(second);
  EXPECT_TRUE(second.stdout_text().find("API key") == std::string::npos) << "a second first run";
  expect_single_video(second, id);
  EXPECT_GE(testing::json_body(second.client().Get("/api/v1/jobs/" + id)).value("attempts", 0), 2)
      << "the job should have been claimed twice";
  expect_clean_data_dir(data);
  EXPECT_EQ(second.terminate(), 0);
}

TEST(ServeCrash, SigtermWithoutGraceRequeuesTheRunningJob) {
  TempDir tmp;
  const auto data = tmp / "data";
  const std::map<std::string, std::string> env = {{"PITCHREEL_SHUTDOWN_GRACE_S", "0"}};
  std::string key, id;
  {
    ServerProcess first(ServerOptions(data, env));
    ASSERT_SERVER_READY(first);
    key = first.api_key();
    auto cli = first.client();
    auto submitted = cli.Post("/api/v1/jobs", long_job());
    ASSERT_TRUE(submitted);
    ASSERT_EQ(submitted->status, 202) << submitted->body;
    id = testing::json_body(submitted)["id"];
    const auto running = wait_mid_render(cli, id);
    ASSERT_EQ(running["status"], "running");

    // A client watching the job's events: shutdown must end its stream, not wait on it.
    std::atomic<int> stream_status{0};
    std::atomic<bool> stream_ended{false};
    std::atomic<bool> stream_open{false};
    std::thread watcher([&first, &id, &stream_status, &stream_ended, &stream_open] {
      auto watch = first.client();
      auto res = watch.Get("/api/v1/jobs/" + id + "/events", [&stream_open](const char*, std::size_t) {
        stream_open = true;  // the stream sends the job's state as soon as it opens
        return true;
      });
      stream_status = res ? res->status : -1;
      stream_ended = true;
    });
    const auto open_deadline = Clock::now() + std::chrono::seconds(30);
    while (!stream_open && !stream_ended && Clock::now() < open_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(stream_open) << "the event stream never sent the job's state";

    const auto stop_started = Clock::now();
    EXPECT_EQ(first.terminate(std::chrono::seconds(30)), 0);
    const auto stop_seconds = std::chrono::duration<double>(Clock::now() - stop_started).count();
    EXPECT_LT(stop_seconds, 10.0) << "SIGTERM with PITCHREEL_SHUTDOWN_GRACE_S=0 should stop promptly";
    watcher.join();
    EXPECT_TRUE(stream_ended);
    EXPECT_EQ(stream_status, 200) << "the event stream should end cleanly at shutdown";
    std::cerr << "[ info ] SIGTERM to exit: " << stop_seconds << " s\n";
  }

  // Before any restart: the job is back in the queue, not left running.
  {
    const auto orgs = testing::admin_json(data, {"org", "list"});
    ASSERT_TRUE(orgs.is_array() && orgs.size() == 1) << orgs.dump();
    auto database = db::Database::open(data / "pitchreel.db");
    ASSERT_TRUE(database) << database.error().message;
    auto job = db::jobs::get(**database, id, orgs[0]["id"].get<std::string>());
    ASSERT_TRUE(job && *job);
    EXPECT_EQ((*job)->status, JobStatus::kQueued) << "status after SIGTERM: " << to_string((*job)->status);
    EXPECT_TRUE((*job)->video_id.empty());
  }

  ServerProcess second(ServerOptions(data, env, key));
  ASSERT_SERVER_READY(second);
  expect_single_video(second, id);
  expect_clean_data_dir(data);
  EXPECT_EQ(second.terminate(), 0);
}

// kill -9 while uploads are arriving: after the restart nothing is left in the uploads
// folder once the jobs that were accepted have ended. What a kill can leave between
// writing an upload and inserting its row (a half-written ".part" file, a complete file
// without a row) cannot be hit on purpose, so those two are laid down by hand as a crash
// leaves them; the restart's sweep must remove them before the first request.
TEST(ServeCrash, KilledWhileTakingUploadsLeavesNothingAfterRestart) {
  TempDir tmp;
  const auto data = tmp / "data";
  std::string key;
  std::mutex mutex;
  std::vector<std::string> accepted;
  {
    ServerProcess first(ServerOptions(data, {}));
    ASSERT_SERVER_READY(first);
    key = first.api_key();
    std::atomic<bool> stop{false};
    std::vector<std::thread> senders;
    for (int t = 0; t < 3; ++t) {
      senders.emplace_back([&] {
        auto cli = first.client();
        cli.set_read_timeout(std::chrono::seconds(60));
        while (!stop) {
          auto r = cli.Post("/api/v1/jobs",
                            testing::job_form(testing::product_jpeg(1600, 1200),
                                              {{"script", "Cold drinks all day."}, {"height", "720"}}));
          if (!r) break;  // the server is gone
          if (r->status == 202) {
            std::lock_guard lock(mutex);
            accepted.push_back(testing::json_body(r).value("id", ""));
          }
        }
      });
    }
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (accepted.size() >= 3) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval
    }
    first.kill9();
    stop = true;
    for (auto& t : senders) t.join();
  }
  ASSERT_GE(accepted.size(), 3u);

  const auto orgs = testing::admin_json(data, {"org", "list"});
  ASSERT_TRUE(orgs.is_array() && !orgs.empty()) << orgs.dump();
  const std::string org = orgs[0]["id"];
  const auto half_written = data / "uploads" / (org + ".0f0e0d0c-0000-4000-8000-00000000000a.image.part");
  const auto never_inserted = data / "uploads" / (org + ".0f0e0d0c-0000-4000-8000-00000000000b.image");
  testing::write_file(half_written, "\xFF\xD8\xFF");
  testing::write_file(never_inserted, testing::product_jpeg());

  ServerProcess second(ServerOptions(data, {}, key));
  ASSERT_SERVER_READY(second);
  EXPECT_FALSE(std::filesystem::exists(half_written)) << second.diagnostics();
  EXPECT_FALSE(std::filesystem::exists(never_inserted)) << second.diagnostics();
  auto cli = second.client();
  for (const auto& id : accepted) {
    const auto done = testing::wait_for_job(cli, id, {"succeeded", "failed", "canceled"}, std::chrono::seconds(240));
    EXPECT_EQ(done.value("status", ""), "succeeded") << done.dump();
  }
  // Jobs whose 202 the kill swallowed were inserted too; they end soon after.
  for (const auto& p : testing::files_left_under(data / "uploads", std::chrono::seconds(240))) {
    ADD_FAILURE() << "left in uploads/: " << p;
  }
  EXPECT_EQ(second.terminate(), 0);
}

}  // namespace
}  // namespace pitchreel
