// Shared set-up for the worker tests: a real SQLite file, a real LocalStore, an uploads
// folder with a generated JPEG per job, and helpers to submit jobs and wait on them
// (through job_changed, as an event stream would).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/metrics.h"
#include "core/model.h"
#include "core/notifier.h"
#include "db/database.h"
#include "db/job_repository.h"
#include "db/org_repository.h"
#include "db/sqlite_store.h"
#include "db/user_repository.h"
#include "media/jpeg_writer.h"
#include "storage/local_store.h"
#include "support/test_support.h"
#include "worker/job_spec.h"

namespace pitchreel::testing {

// About 2 s of video: a render of ~1 s at 720p.
inline constexpr const char* kShortScript = "Meet the desk lamp. It lights your work.";
// About 15 s of video, long enough to cancel or stop mid-render.
inline constexpr const char* kLongScript =
    "Meet the desk lamp that follows your day. Warm light in the morning, bright light for "
    "work, and a soft glow at night. It folds flat, charges your phone, and remembers your "
    "favourite setting. Try it for thirty days and see the difference.";

class WorkerTestEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = db::Database::open(database_path());
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    state_ = db::sqlite_store_over(*db_);
    org_ = db::orgs::create(*db_, "Acme", 1).value();
    user_ = db::users::create(*db_, org_.id, "a@acme.test", Role::kAdmin, 1).value();
    auto store = LocalStore::open(dir_ / "store");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    std::filesystem::create_directories(uploads_dir());
  }

  std::filesystem::path database_path() const { return dir_ / "pitchreel.db"; }
  std::filesystem::path uploads_dir() const { return dir_ / "uploads"; }
  std::filesystem::path work_dir() const { return dir_ / "work"; }

  std::filesystem::path make_input(const std::string& name) {
    cv::Mat photo(480, 640, CV_8UC3, cv::Scalar(40, 90, 160));
    cv::circle(photo, {320, 240}, 150, cv::Scalar(230, 230, 240), cv::FILLED);
    const auto path = uploads_dir() / name;
    EXPECT_TRUE(write_jpeg(photo, path).has_value());
    return path;
  }

  JobSpec spec(const std::string& script) {
    JobSpec s;
    s.image_path = make_input("input-" + std::to_string(++inputs_) + ".jpg").string();
    s.script = script;
    s.product_name = "Desk Lamp";
    s.product_id = "lamp-1";
    s.height = 720;
    return s;
  }

  // Enqueues the job and tells the workers, as the API's submit does.
  Job submit(const JobSpec& s, int max_attempts = 3) {
    auto created = db::jobs::create(
        *db_, {org_.id, user_.id, to_json(s).dump(), s.product_id, "", max_attempts, {}}, 1);
    EXPECT_TRUE(created) << created.error().message;
    work_available_.notify();
    return created->job;
  }

  Job get(const std::string& id) { return db::jobs::get(*db_, id, org_.id).value().value(); }

  Job wait_until(const std::string& id, const std::function<bool(const Job&)>& done,
                 std::chrono::seconds timeout = std::chrono::seconds(90)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto seen = job_changed_.version();
      Job job = get(id);
      if (done(job) || std::chrono::steady_clock::now() > deadline) return job;
      job_changed_.wait_for_change(seen, std::chrono::milliseconds(50));
    }
  }
  Job wait_final(const std::string& id) {
    return wait_until(id, [](const Job& j) { return is_final(j.status); });
  }

  // Files under a folder, recursively (hidden ones included).
  static std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) out.push_back(it->path());
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<db::Store> state_;  // the store seam over db_, what the worker uses
  Organization org_;
  User user_;
  std::unique_ptr<LocalStore> store_;
  Notifier work_available_;
  Notifier job_changed_;
  Metrics metrics_;
  int inputs_ = 0;
};

}  // namespace pitchreel::testing
