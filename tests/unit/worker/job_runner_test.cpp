// JobRunner on its own, for the paths the pool cannot easily provoke: a store that fails
// midway and a lease taken over while uploading. The store is the real LocalStore behind a
// wrapper that runs a hook before each put.
#include "worker/job_runner.h"

#include <gtest/gtest.h>

#include "db/clock.h"
#include "db/job_queue.h"
#include "unit/worker/worker_test_env.h"

namespace pitchreel::testing {
namespace {

class HookedStore final : public ObjectStore {
 public:
  explicit HookedStore(ObjectStore& inner) : inner_(inner) {}
  std::function<Status(int put_number)> before_put = [](int) { return Status{}; };

  Status put_file(const std::string& key, const std::filesystem::path& source,
                  const PutOptions& options) override {
    if (auto s = before_put(++puts_); !s) return s;
    return inner_.put_file(key, source, options);
  }
  Result<ObjectInfo> stat(const std::string& key) override { return inner_.stat(key); }
  Status remove(const std::string& key) override { return inner_.remove(key); }
  Result<std::vector<ListedObject>> list(const std::string& prefix) override {
    return inner_.list(prefix);
  }
  Status check_writable() override { return inner_.check_writable(); }
  std::string name() const override { return "hooked " + inner_.name(); }

 private:
  ObjectStore& inner_;
  int puts_ = 0;
};

class JobRunnerTest : public WorkerTestEnv {
 protected:
  void SetUp() override {
    WorkerTestEnv::SetUp();
    store_hooked_ = std::make_unique<HookedStore>(*store_);
  }
  db::jobs::ClaimedJob claim() {
    auto claimed = db::jobs::claim_next(*db_, "w-0", 30, db::unix_now());
    EXPECT_TRUE(claimed && *claimed);
    return **claimed;
  }
  JobOutcome run(const db::jobs::ClaimedJob& claimed) {
    JobRunner runner(state_->queue(), *store_hooked_, job_changed_, metrics_, stopping_,
                     {work_dir(), uploads_dir(), 30, {}});
    return runner.run(claimed, "w-0");
  }
  std::unique_ptr<HookedStore> store_hooked_;
  std::atomic<bool> stopping_{false};
};

TEST_F(JobRunnerTest, UploadFailureMidwayLeavesNoObjectAndRetries) {
  const JobSpec s = spec(kShortScript);
  const Job queued = submit(s);
  store_hooked_->before_put = [](int n) -> Status {
    if (n == 2) return fail(Error::unavailable("storage_unavailable", "The bucket is down."));
    return {};
  };
  EXPECT_EQ(run(claim()), JobOutcome::kRetrying);

  const Job job = get(queued.id);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.error_code, "storage_unavailable");
  EXPECT_TRUE(files_under(store_->root()).empty());
  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_TRUE(std::filesystem::exists(s.image_path));  // needed by the retry
}

TEST_F(JobRunnerTest, LeaseLostBeforeCompleteRemovesTheUploads) {
  const JobSpec s = spec(kShortScript);
  const Job queued = submit(s);
  // After two objects are up, the lease expires and another worker takes the job.
  store_hooked_->before_put = [&](int n) -> Status {
    if (n == 3) {
      const auto later = db::unix_now() + 1000;
      EXPECT_EQ(db::jobs::requeue_expired(*db_, later).value(), 1);
      EXPECT_TRUE(db::jobs::claim_next(*db_, "other", 30, later).value());
    }
    return {};
  };
  EXPECT_EQ(run(claim()), JobOutcome::kReleased);

  const Job job = get(queued.id);
  EXPECT_EQ(job.status, JobStatus::kRunning);  // the other worker's now
  EXPECT_TRUE(job.video_id.empty());
  EXPECT_TRUE(files_under(store_->root()).empty());
  EXPECT_TRUE(files_under(work_dir()).empty());
  EXPECT_TRUE(std::filesystem::exists(s.image_path));
}

TEST_F(JobRunnerTest, CorruptRequestIsRetriedAsAnInternalError) {
  auto created = db::jobs::create(*db_, {org_.id, user_.id, "not json", "", "", 3, {}}, 1);
  ASSERT_TRUE(created);
  EXPECT_EQ(run(claim()), JobOutcome::kRetrying);
  EXPECT_EQ(get(created->job.id).error_code, "job_spec_corrupt");
}

TEST_F(JobRunnerTest, StoppingBeforeTheRenderLeavesTheJobToThePool) {
  const Job queued = submit(spec(kShortScript));
  stopping_ = true;
  EXPECT_EQ(run(claim()), JobOutcome::kReleased);
  EXPECT_EQ(get(queued.id).status, JobStatus::kRunning);  // requeue_owned's job
  EXPECT_TRUE(files_under(work_dir()).empty());
}

}  // namespace
}  // namespace pitchreel::testing
