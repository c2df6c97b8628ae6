// The pool end to end on the real pipeline: SQLite queue, espeak, CPU engine, LocalStore.
#include "worker/worker_pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "db/video_repository.h"
#include "unit/worker/worker_test_env.h"

namespace pitchreel::testing {
namespace {

using namespace std::chrono_literals;

class WorkerPoolTest : public WorkerTestEnv {
 protected:
  std::unique_ptr<WorkerPool> make_pool(int workers = 1,
                                        std::chrono::milliseconds idle_wait = 1000ms) {
    WorkerPoolOptions options;
    options.workers = workers;
    options.idle_wait = idle_wait;
    options.database_path = database_path();
    options.work_dir = work_dir();
    options.uploads_dir = uploads_dir();
    options.node_id = "test";
    return std::make_unique<WorkerPool>(*store_, work_available_, job_changed_, metrics_, options);
  }
  // The runner cleans up (work dir, input image) after writing the final state, so tests
  // that look at files wait for the worker to be done with the job.
  static void wait_idle(const WorkerPool& pool) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (pool.busy() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(pool.busy(), 0);
  }
  bool rendering(const Job& j) {
    return j.status == JobStatus::kRunning && j.stage == "render" && j.progress > 0.2;
  }
};

TEST_F(WorkerPoolTest, CompletesAQueuedJob) {
  auto pool = make_pool(2);
  ASSERT_TRUE(pool->start());
  const JobSpec s = spec(kShortScript);
  const Job job = wait_final(submit(s).id);

  ASSERT_EQ(job.status, JobStatus::kSucceeded) << job.error_code << ": " << job.error_message;
  wait_idle(*pool);
  EXPECT_EQ(job.stage, "done");
  EXPECT_DOUBLE_EQ(job.progress, 1.0);
  auto video = db::videos::get(*db_, job.video_id, org_.id).value();
  ASSERT_TRUE(video);
  EXPECT_EQ(video->job_id, job.id);
  EXPECT_EQ(video->product_id, "lamp-1");
  EXPECT_EQ(video->width, 1280);
  EXPECT_EQ(video->height, 720);
  EXPECT_GT(video->duration, 1.0);
  EXPECT_TRUE(video->file_name.starts_with("product-lamp-1-"));
  EXPECT_TRUE(video->video_key.ends_with("/" + video->file_name));

  const std::string stem = video->file_name.substr(0, video->file_name.size() - 4);
  const struct {
    std::string key, type, download;
  } expected[] = {{video->video_key, "video/mp4", stem + ".mp4"},
                  {video->poster_key, "image/jpeg", stem + ".jpg"},
                  {video->captions_key, "text/vtt", stem + ".vtt"}};
  for (const auto& e : expected) {
    auto info = store_->stat(e.key);
    ASSERT_TRUE(info) << e.key << ": " << info.error().message;
    EXPECT_EQ(info->content_type, e.type);
    EXPECT_EQ(info->download_name, e.download);
    EXPECT_EQ(info->cache_control, "private, max-age=31536000, immutable");
  }
  EXPECT_EQ(store_->stat(video->video_key)->size, static_cast<std::uint64_t>(video->size));

  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_FALSE(std::filesystem::exists(s.image_path));
  const std::string metrics = metrics_.render();
  EXPECT_NE(metrics.find("pitchreel_jobs_finished_total{status=\"succeeded\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pitchreel_stage_seconds_count{stage=\"render\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pitchreel_stage_seconds_count{stage=\"upload\"} 1"), std::string::npos)
      << metrics;
  pool->stop(0s);
}

TEST_F(WorkerPoolTest, UnknownVoiceFailsWithoutRetry) {
  auto pool = make_pool();
  ASSERT_TRUE(pool->start());
  JobSpec s = spec(kShortScript);
  s.voice = "xx-no-such-voice";
  const Job job = wait_final(submit(s).id);

  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(job.error_code, "voice_not_found");
  EXPECT_EQ(job.attempts, 1);
  wait_idle(*pool);
  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_FALSE(std::filesystem::exists(s.image_path));  // final: the upload is no longer needed
}

TEST_F(WorkerPoolTest, CancelDuringRenderEndsCanceledWithNoObjects) {
  auto pool = make_pool();
  ASSERT_TRUE(pool->start());
  const JobSpec s = spec(kLongScript);
  const Job queued = submit(s);
  const Job running = wait_until(queued.id, [&](const Job& j) { return rendering(j); });
  ASSERT_TRUE(rendering(running)) << to_string(running.status) << " " << running.stage;

  EXPECT_EQ(db::jobs::cancel(*db_, queued.id, org_.id, 2).value(),
            db::jobs::CancelOutcome::kCancelRequested);
  const auto canceled_at = std::chrono::steady_clock::now();
  const Job job = wait_final(queued.id);

  EXPECT_EQ(job.status, JobStatus::kCanceled);
  EXPECT_LT(std::chrono::steady_clock::now() - canceled_at, 5s);  // next heartbeat, not the end
  EXPECT_TRUE(job.video_id.empty());
  wait_idle(*pool);
  EXPECT_TRUE(files_under(store_->root()).empty());
  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_FALSE(std::filesystem::exists(s.image_path));
}

TEST_F(WorkerPoolTest, StopWithoutGraceRequeuesTheRunningJob) {
  auto pool = make_pool();
  ASSERT_TRUE(pool->start());
  const JobSpec s = spec(kLongScript);
  const Job queued = submit(s);
  const Job running = wait_until(queued.id, [&](const Job& j) { return rendering(j); });
  ASSERT_TRUE(rendering(running));
  ASSERT_EQ(running.attempts, 1);

  const auto stop_started = std::chrono::steady_clock::now();
  pool->stop(0s);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 5s);  // aborted, not finished

  const Job job = get(queued.id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.attempts, 0);  // a graceful requeue gives the attempt back
  EXPECT_EQ(pool->busy(), 0);
  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_TRUE(files_under(store_->root()).empty());
  EXPECT_TRUE(std::filesystem::exists(s.image_path));  // the job will run again
}

TEST_F(WorkerPoolTest, StopWithGraceLetsTheRunningJobFinish) {
  auto pool = make_pool();
  ASSERT_TRUE(pool->start());
  const Job queued = submit(spec(kShortScript));
  wait_until(queued.id, [](const Job& j) { return j.status != JobStatus::kQueued; });
  pool->stop(60s);
  EXPECT_EQ(get(queued.id).status, JobStatus::kSucceeded);
}

TEST_F(WorkerPoolTest, SubmitWakesAnIdleWorkerAtOnce) {
  // Without a notification the idle worker would look at the queue again only after an
  // hour: a claim within the test's deadline can only come from the submit's wake-up.
  auto pool = make_pool(1, std::chrono::hours(1));
  ASSERT_TRUE(pool->start());
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (pool->idle() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(pool->idle(), 1) << "the worker never went to sleep on an empty queue";
  JobSpec s = spec(kShortScript);
  s.voice = "xx-no-such-voice";  // fails fast; only the claim matters here
  const Job queued = submit(s);
  const Job claimed = wait_until(
      queued.id, [](const Job& j) { return j.attempts > 0; }, 30s);
  EXPECT_GT(claimed.attempts, 0) << "the submit did not wake the sleeping worker";
}

TEST_F(WorkerPoolTest, RejectsNoWorkersAndDoubleStart) {
  auto none = make_pool(0);
  auto started = none->start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, "invalid_workers");

  auto pool = make_pool();
  ASSERT_TRUE(pool->start());
  auto again = pool->start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "worker_pool_running");
}

}  // namespace
}  // namespace pitchreel::testing
