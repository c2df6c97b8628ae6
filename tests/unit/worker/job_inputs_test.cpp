// Inputs kept in the object store: a worker downloads them into its work dir and removes
// them when the job ends; the sweep removes those of ended jobs and of submissions that
// never became a job, and keeps those of live jobs and of submissions still in flight.
// Real SQLite, real LocalStore, the real render pipeline.
#include <gtest/gtest.h>

#include <atomic>

#include "db/clock.h"
#include "db/ids.h"
#include "storage/object_keys.h"
#include "unit/worker/worker_test_env.h"
#include "worker/input_cleanup.h"
#include "worker/job_runner.h"

namespace pitchreel::testing {
namespace {

class JobInputsTest : public WorkerTestEnv {
 protected:
  // Puts a generated JPEG as input `name` of job `job_id`; returns its key.
  std::string put_input(const std::string& job_id, const std::string& name) {
    const auto file = make_input("put-" + std::to_string(++puts_) + ".jpg");
    const auto key = make_input_key(org_.id, job_id, name).value();
    EXPECT_TRUE(store_->put_file(key, file, {}));
    std::filesystem::remove(file);
    return key;
  }
  bool exists(const std::string& key) { return store_->stat(key).has_value(); }
  // Submits a job whose image lives only in the object store, under the job's own id.
  Job submit_with_key(const std::string& script) {
    JobSpec s;
    s.script = script;
    s.product_id = "lamp-1";
    s.height = 720;
    db::jobs::NewJob job{org_.id, user_.id, "", s.product_id, "", 3, {}};
    job.id = db::new_uuid();
    s.image_key = put_input(job.id, "image");
    job.request = to_json(s).dump();
    auto created = state_->jobs().create(job, db::unix_now());
    EXPECT_TRUE(created) << created.error().message;
    return created->job;
  }
  JobOutcome run_one() {
    auto claimed = state_->queue().claim_next("w-0", 30, db::unix_now());
    EXPECT_TRUE(claimed && *claimed);
    std::atomic<bool> stopping{false};
    JobRunner runner(state_->queue(), *store_, job_changed_, metrics_, stopping,
                     {work_dir(), uploads_dir(), 30, {}});
    return runner.run(**claimed, "w-0");
  }
  int puts_ = 0;
};

TEST_F(JobInputsTest, AWorkerRendersFromTheObjectStoreAndRemovesTheInputAfterwards) {
  const Job job = submit_with_key(kShortScript);
  const auto spec = job_spec_from_json(job.request).value();
  ASSERT_TRUE(spec.image_path.empty());
  ASSERT_TRUE(exists(spec.image_key));

  EXPECT_EQ(run_one(), JobOutcome::kSucceeded);
  EXPECT_EQ(get(job.id).status, JobStatus::kSucceeded);
  EXPECT_FALSE(exists(spec.image_key)) << "the input goes when the job ends";
  EXPECT_TRUE(files_under(work_dir()).empty()) << "the downloaded copy goes with the work dir";
}

TEST_F(JobInputsTest, AJobWhoseInputVanishedFailsForGoodWithAStableCode) {
  const Job job = submit_with_key(kShortScript);
  ASSERT_TRUE(store_->remove(job_spec_from_json(job.request).value().image_key));
  EXPECT_EQ(run_one(), JobOutcome::kFailed);
  const Job failed = get(job.id);
  EXPECT_EQ(failed.error_code, "job_input_missing");
  EXPECT_EQ(failed.attempts, 1) << "a missing input is not retried";
}

TEST_F(JobInputsTest, TheSweepRemovesEndedAndUncommittedInputsAndKeepsLiveOnes) {
  const auto now = db::unix_now();
  const Job queued = submit_with_key(kShortScript);
  const Job canceled = submit_with_key(kShortScript);
  ASSERT_EQ(state_->jobs().cancel(canceled.id, org_.id, now).value(),
            db::jobs::CancelOutcome::kCanceled);
  const auto queued_key = job_spec_from_json(queued.request).value().image_key;
  const auto canceled_key = job_spec_from_json(canceled.request).value().image_key;
  // A submission that crashed between its upload and its insert: no job row.
  const auto orphan_image = put_input(db::new_uuid(), "image");

  // Just written, the orphan may be a submission in flight: kept.
  auto young = sweep_job_inputs(*store_, *state_, now, 600);
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_EQ(young->removed, 1u);  // the canceled job's
  EXPECT_EQ(young->kept, 2u);
  EXPECT_FALSE(exists(canceled_key));
  EXPECT_TRUE(exists(orphan_image));

  // Past the grace period it is a leftover: removed. The queued job's input stays.
  auto later = sweep_job_inputs(*store_, *state_, now + 601, 600);
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->removed, 1u);
  EXPECT_FALSE(exists(orphan_image));
  EXPECT_TRUE(exists(queued_key));

  // Other objects (finished videos) are never looked at.
  const auto video = make_input("video.jpg");
  ASSERT_TRUE(store_->put_file(org_.id + "/videos/ai-generated/product-x.jpg", video, {}));
  auto again = sweep_job_inputs(*store_, *state_, now + 10000, 600);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->removed, 0u);
  EXPECT_TRUE(exists(org_.id + "/videos/ai-generated/product-x.jpg"));
}

// The same judgement for local storage's uploads folder, where inputs are files named
// {org}.{job}.{name}: those of ended jobs go, those of live jobs stay, a submission's file
// without a row (or a ".part" left by a process killed mid-write) goes once past the grace,
// and files of any other name are never touched.
TEST_F(JobInputsTest, TheLocalSweepJudgesUploadsAsTheBucketSweepDoes) {
  namespace fs = std::filesystem;
  const auto now = db::unix_now();
  auto upload = [&](const std::string& job_id, const std::string& suffix = "") {
    const auto path = local_input_path(uploads_dir(), org_.id, job_id, "image").value();
    const fs::path file = path.string() + suffix;
    write_file(file, "x");
    return file;
  };
  auto add_job = [&] {
    db::jobs::NewJob job{org_.id, user_.id, "{}", "p", "", 3, {}};
    job.id = db::new_uuid();
    EXPECT_TRUE(state_->jobs().create(job, now));
    return job.id;
  };
  const auto queued = upload(add_job());
  const auto canceled_id = add_job();
  ASSERT_EQ(state_->jobs().cancel(canceled_id, org_.id, now).value(), db::jobs::CancelOutcome::kCanceled);
  const auto canceled = upload(canceled_id);
  const auto orphan = upload(db::new_uuid());
  const auto partial = upload(db::new_uuid(), ".part");
  const auto foreign = uploads_dir() / "notes.txt";
  write_file(foreign, "x");
  EXPECT_FALSE(local_input_path(uploads_dir(), "../x", "y", "image")) << "ids are checked";

  auto young = sweep_local_uploads(uploads_dir(), *state_, now, 600);
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_EQ(young->removed, 1u);
  EXPECT_FALSE(fs::exists(canceled));
  EXPECT_TRUE(fs::exists(orphan) && fs::exists(partial)) << "may be submissions in flight";

  auto later = sweep_local_uploads(uploads_dir(), *state_, now + 601, 600);
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->removed, 2u);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_TRUE(fs::exists(queued));
  EXPECT_TRUE(fs::exists(foreign));
}

TEST_F(JobInputsTest, RemoveJobInputsTakesFilesAndObjectsButNothingOutsideUploads) {
  JobSpec s;
  s.image_path = make_input("a.jpg").string();
  const auto job_id = db::new_uuid();
  s.avatar_key = put_input(job_id, "avatar");
  EXPECT_EQ(remove_job_inputs(s, *store_, uploads_dir(), job_id), 0);
  EXPECT_FALSE(std::filesystem::exists(s.image_path));
  EXPECT_FALSE(exists(s.avatar_key));

  const auto outside = dir_ / "outside.jpg";
  write_file(outside, "x");
  s.image_path = outside.string();
  s.avatar_key.clear();
  remove_job_inputs(s, *store_, uploads_dir(), job_id);
  EXPECT_TRUE(std::filesystem::exists(outside));
}

TEST(InputKeys, HaveTheOrganisationAndJobAndParseBack) {
  EXPECT_EQ(make_input_key("org-1", "job-2", "image").value(), "org-1/inputs/job-2/image");
  EXPECT_EQ(input_prefix("org-1"), "org-1/inputs/");
  EXPECT_EQ(job_id_of_input_key("org-1/inputs/job-2/image").value(), "job-2");
  EXPECT_FALSE(job_id_of_input_key("org-1/videos/ai-generated/product-x.mp4"));
  EXPECT_FALSE(make_input_key("org/1", "job", "image"));
  EXPECT_FALSE(make_input_key("org", "../job", "image"));
  EXPECT_EQ(make_input_key("org", "job", "a b").error().code, "invalid_input_key");
}

}  // namespace
}  // namespace pitchreel::testing
