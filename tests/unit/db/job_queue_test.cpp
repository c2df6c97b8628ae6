// The worker's side of the queue: claim order, leases, exactly-once completion,
// retries, crash recovery, and concurrent claimers on separate connections.
#include "db/job_queue.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "db/database.h"
#include "db/job_repository.h"
#include "db/org_repository.h"
#include "db/user_repository.h"
#include "db/video_repository.h"
#include "support/test_support.h"

namespace pitchreel::db {
namespace {

class JobQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(path());
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    org_ = orgs::create(db(), "Acme", 1).value();
    user_ = users::create(db(), org_.id, "a@acme.test", Role::kAdmin, 1).value();
  }
  Database& db() { return *db_; }
  std::filesystem::path path() const { return dir_ / "pitchreel.db"; }

  Job enqueue(std::int64_t now, int max_attempts = 3) {
    auto r = jobs::create(db(), {org_.id, user_.id, "{}", "p1", "", max_attempts, {}}, now);
    EXPECT_TRUE(r) << r.error().message;
    return r->job;
  }
  Job get(const std::string& id) { return jobs::get(db(), id, org_.id).value().value(); }
  std::int64_t video_count() {
    Connection conn = db().connect();
    auto stmt = conn.prepare("SELECT COUNT(*) FROM videos");
    return stmt->single_int64().value();
  }
  static Video video(std::string key = "org/videos/ai-generated/a.mp4") {
    Video v;
    v.video_key = std::move(key);
    v.file_name = "a.mp4";
    v.size = 1234;
    v.duration = 12.5;
    v.width = 720;
    v.height = 1280;
    return v;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  Organization org_;
  User user_;
};

TEST_F(JobQueueTest, ClaimsOldestFirstAndSetsTheLease) {
  const Job a = enqueue(100);
  const Job b = enqueue(100);  // same second: insertion order decides
  const Job c = enqueue(99);   // older still
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto claimed = jobs::claim_next(db(), "w1", 60, 200);
    ASSERT_TRUE(claimed) << claimed.error().message;
    ASSERT_TRUE(*claimed);
    order.push_back((*claimed)->job.id);
    EXPECT_EQ((*claimed)->job.status, JobStatus::kRunning);
    EXPECT_EQ((*claimed)->job.attempts, 1);
    EXPECT_EQ((*claimed)->job.stage, "starting");
    EXPECT_EQ((*claimed)->lease_expires_at, 260);
    EXPECT_EQ((*claimed)->max_attempts, 3);
  }
  EXPECT_EQ(order, (std::vector<std::string>{c.id, a.id, b.id}));
  auto none = jobs::claim_next(db(), "w1", 60, 200);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(JobQueueTest, NotBeforeDelaysARetry) {
  const Job a = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  auto status = jobs::fail(db(), a.id, "w1", "gpu_unreachable", "Cannot connect.", true, 30, 110);
  ASSERT_TRUE(status && *status);
  EXPECT_EQ(**status, JobStatus::kQueued);
  const Job b = enqueue(120);  // newer, but eligible now

  auto first = jobs::claim_next(db(), "w1", 60, 130);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->job.id, b.id);  // a waits until 140
  EXPECT_FALSE(jobs::claim_next(db(), "w1", 60, 139).value());
  auto retry = jobs::claim_next(db(), "w1", 60, 140);
  ASSERT_TRUE(retry && *retry);
  EXPECT_EQ((*retry)->job.id, a.id);
  EXPECT_EQ((*retry)->job.attempts, 2);
  EXPECT_EQ((*retry)->job.error_code, "gpu_unreachable");  // last failure kept until success
}

TEST_F(JobQueueTest, CompleteRecordsTheVideoOnce) {
  const Job a = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  EXPECT_EQ(*jobs::heartbeat(db(), a.id, "w1", 60, "render", 1.7, 120), jobs::LeaseState::kHeld);
  EXPECT_DOUBLE_EQ(get(a.id).progress, 1.0);  // clamped
  EXPECT_EQ(get(a.id).stage, "render");

  auto done = jobs::complete(db(), a.id, "w1", video(), 130);
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_TRUE(*done);
  const Video& v = **done;
  EXPECT_EQ(v.id.size(), 36u);
  EXPECT_EQ(v.job_id, a.id);
  EXPECT_EQ(v.organization_id, org_.id);
  EXPECT_EQ(v.product_id, "p1");
  EXPECT_EQ(v.created_at, 130);

  const Job finished = get(a.id);
  EXPECT_EQ(finished.status, JobStatus::kSucceeded);
  EXPECT_EQ(finished.video_id, v.id);
  EXPECT_EQ(finished.stage, "done");
  EXPECT_DOUBLE_EQ(finished.progress, 1.0);
  auto stored = videos::get(db(), v.id, org_.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->video_key, v.video_key);
  EXPECT_EQ((*stored)->size, 1234);
  EXPECT_DOUBLE_EQ((*stored)->duration, 12.5);

  // A second completion (a retried call, or a duplicate worker) writes nothing.
  auto again = jobs::complete(db(), a.id, "w1", video(), 131);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(video_count(), 1);
}

TEST_F(JobQueueTest, GpuTimeSumsOverAttemptsAndGoesToTheVideo) {
  const Job a = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  ASSERT_TRUE(jobs::add_gpu_seconds(db(), a.id, 40.5));  // a failed attempt still cost this
  ASSERT_TRUE(jobs::fail(db(), a.id, "w1", "gpu_bad_output", "Truncated.", true, 0, 110));
  EXPECT_DOUBLE_EQ(get(a.id).gpu_seconds, 40.5);
  ASSERT_TRUE(jobs::claim_next(db(), "w2", 60, 120).value());
  ASSERT_TRUE(jobs::add_gpu_seconds(db(), a.id, 60.25));
  auto done = jobs::complete(db(), a.id, "w2", video(), 130);
  ASSERT_TRUE(done && *done);
  EXPECT_DOUBLE_EQ((*done)->gpu_seconds, 100.75);
  EXPECT_DOUBLE_EQ(get(a.id).gpu_seconds, 100.75);
  auto stored = videos::get(db(), (*done)->id, org_.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_DOUBLE_EQ((*stored)->gpu_seconds, 100.75);
  EXPECT_DOUBLE_EQ(get(enqueue(140).id).gpu_seconds, 0);  // CPU jobs cost nothing
}

TEST_F(JobQueueTest, ExpiredLeaseIsRequeuedAndTheStaleWorkerCannotComplete) {
  const Job a = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());

  EXPECT_EQ(*jobs::requeue_expired(db(), 160), 0);  // lease runs to 160 inclusive
  EXPECT_EQ(*jobs::requeue_expired(db(), 161), 1);  // w1 stalled or died
  EXPECT_EQ(get(a.id).status, JobStatus::kQueued);

  auto second = jobs::claim_next(db(), "w2", 60, 162);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->job.id, a.id);
  EXPECT_EQ((*second)->job.attempts, 2);

  // w1 wakes up: its lease is gone, so nothing it does changes the job.
  EXPECT_EQ(*jobs::heartbeat(db(), a.id, "w1", 60, "upload", 0.9, 163), jobs::LeaseState::kLost);
  auto stale = jobs::complete(db(), a.id, "w1", video("stale.mp4"), 164);
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  EXPECT_EQ(video_count(), 0);
  EXPECT_FALSE(jobs::fail(db(), a.id, "w1", "x", "y", true, 0, 165).value());
  EXPECT_FALSE(jobs::finish_canceled(db(), a.id, "w1", 165).value());
  EXPECT_EQ(get(a.id).status, JobStatus::kRunning);

  auto done = jobs::complete(db(), a.id, "w2", video("fresh.mp4"), 170);
  ASSERT_TRUE(done && *done);
  EXPECT_EQ((*done)->video_key, "fresh.mp4");
  EXPECT_EQ(video_count(), 1);
  EXPECT_EQ(get(a.id).status, JobStatus::kSucceeded);
}

TEST_F(JobQueueTest, HeartbeatKeepsTheLeaseAlive) {
  const Job a = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  EXPECT_EQ(*jobs::heartbeat(db(), a.id, "w1", 60, "", 0.5, 150), jobs::LeaseState::kHeld);
  EXPECT_EQ(get(a.id).stage, "starting");           // empty stage leaves it unchanged
  EXPECT_EQ(*jobs::requeue_expired(db(), 200), 0);  // lease now runs to 210
  EXPECT_EQ(*jobs::requeue_expired(db(), 211), 1);
}

TEST_F(JobQueueTest, RetriesUntilMaxAttemptsThenFails) {
  const Job a = enqueue(100, 2);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  EXPECT_EQ(jobs::fail(db(), a.id, "w1", "tts_failed", "first", true, 5, 101).value(),
            JobStatus::kQueued);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 106).value());
  EXPECT_EQ(jobs::fail(db(), a.id, "w1", "tts_failed", "second", true, 5, 107).value(),
            JobStatus::kFailed);
  const Job failed = get(a.id);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.attempts, 2);
  EXPECT_EQ(failed.error_code, "tts_failed");
  EXPECT_EQ(failed.error_message, "second");
  EXPECT_FALSE(jobs::claim_next(db(), "w1", 60, 1000).value());

  // A non-retryable failure ends the job at once.
  const Job b = enqueue(200);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 200).value());
  EXPECT_EQ(jobs::fail(db(), b.id, "w1", "no_face_found", "No face.", false, 5, 201).value(),
            JobStatus::kFailed);
  EXPECT_EQ(get(b.id).attempts, 1);
}

TEST_F(JobQueueTest, ExpiredLeaseOnTheLastAttemptFailsTheJob) {
  const Job a = enqueue(100, 1);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  EXPECT_EQ(*jobs::requeue_expired(db(), 500), 1);
  const Job lost = get(a.id);
  EXPECT_EQ(lost.status, JobStatus::kFailed);
  EXPECT_EQ(lost.error_code, "worker_lost");
}

TEST_F(JobQueueTest, CanceledRunningJobIsNotRequeued) {
  const Job a = enqueue(100);
  const Job b = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  ASSERT_TRUE(jobs::claim_next(db(), "w2", 60, 100).value());
  ASSERT_EQ(*jobs::cancel(db(), a.id, org_.id, 101), jobs::CancelOutcome::kCancelRequested);
  ASSERT_EQ(*jobs::cancel(db(), b.id, org_.id, 101), jobs::CancelOutcome::kCancelRequested);
  EXPECT_EQ(jobs::fail(db(), a.id, "w1", "x", "y", true, 0, 102).value(), JobStatus::kCanceled);
  EXPECT_EQ(*jobs::requeue_expired(db(), 1000), 1);
  EXPECT_EQ(get(b.id).status, JobStatus::kCanceled);
  EXPECT_EQ(*jobs::queue_depth(db()), 0);
}

TEST_F(JobQueueTest, RequeueOwnedReturnsOnlyThatWorkersJobsWithoutSpendingAnAttempt) {
  const Job a = enqueue(100);
  const Job b = enqueue(100);
  ASSERT_TRUE(jobs::claim_next(db(), "w1", 60, 100).value());
  ASSERT_TRUE(jobs::claim_next(db(), "w2", 60, 100).value());
  EXPECT_EQ(*jobs::requeue_owned(db(), "w1", 110), 1);
  const Job back = get(a.id);
  EXPECT_EQ(back.status, JobStatus::kQueued);
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(get(b.id).status, JobStatus::kRunning);
  EXPECT_EQ(*jobs::heartbeat(db(), a.id, "w1", 60, "x", 0, 111), jobs::LeaseState::kLost);
  auto again = jobs::claim_next(db(), "w3", 60, 111);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->job.id, a.id);
  EXPECT_EQ((*again)->job.attempts, 1);
}

// Several connections (as several worker threads or processes would have) claim from
// one file at once: every job is claimed exactly once and completed exactly once.
TEST_F(JobQueueTest, ConcurrentClaimersOnSeparateConnectionsNeverShareAJob) {
  constexpr int kJobs = 200;
  constexpr int kThreads = 4;
  std::set<std::string> all;
  for (int i = 0; i < kJobs; ++i) all.insert(enqueue(100).id);

  std::vector<std::vector<std::string>> claimed(kThreads);
  std::vector<std::string> errors(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto conn = Database::open(path());
        if (!conn) {
          errors[t] = conn.error().message;
          return;
        }
        const std::string worker = "w" + std::to_string(t);
        for (;;) {
          auto job = jobs::claim_next(**conn, worker, 60, 200);
          if (!job) {
            errors[t] = job.error().message;
            return;
          }
          if (!*job) return;
          claimed[t].push_back((*job)->job.id);
          auto done = jobs::complete(**conn, (*job)->job.id, worker, video(), 201);
          if (!done || !*done) {
            errors[t] = done ? "lease lost" : done.error().message;
            return;
          }
        }
      });
    }
  }
  std::multiset<std::string> seen;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    seen.insert(claimed[t].begin(), claimed[t].end());
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);  // no duplicates, none missed
  EXPECT_EQ(video_count(), kJobs);
  EXPECT_EQ(jobs::count_by_status(db())->at(JobStatus::kSucceeded), kJobs);
}

// Threads sharing one Database take turns on its mutex; the result is the same.
TEST_F(JobQueueTest, ConcurrentClaimersSharingOneConnectionNeverShareAJob) {
  constexpr int kJobs = 100;
  constexpr int kThreads = 4;
  for (int i = 0; i < kJobs; ++i) enqueue(100);
  std::vector<std::vector<std::string>> claimed(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (;;) {
          auto job = jobs::claim_next(db(), "w" + std::to_string(t), 60, 200);
          if (!job || !*job) return;
          claimed[t].push_back((*job)->job.id);
        }
      });
    }
  }
  std::set<std::string> unique;
  std::size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    unique.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kJobs));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kJobs));
}

}  // namespace
}  // namespace pitchreel::db
