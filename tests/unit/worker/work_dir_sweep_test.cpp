// A worker pool starting on a node clears what a killed process left in the work folder,
// without ever following a link out of it.
#include "worker/work_dir_sweep.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace pitchreel::testing {
namespace {

namespace fs = std::filesystem;

TEST(WorkDirSweepTest, RemovesLeftoverJobFoldersAndFiles) {
  TempDir dir;
  const auto work = dir.path() / "work";
  fs::create_directories(work / "job-1" / "nested");
  write_file(work / "job-1" / "nested" / "video.mp4.tmp", "partial");
  write_file(work / "job-2.tmp", "x");
  EXPECT_EQ(sweep_work_dir(work), 2);
  EXPECT_TRUE(fs::exists(work));
  EXPECT_TRUE(fs::is_empty(work));
}

TEST(WorkDirSweepTest, RemovesALinkButNotWhatItPointsTo) {
  TempDir dir;
  const auto work = dir.path() / "work";
  fs::create_directories(work);
  fs::create_directories(dir.path() / "precious");
  write_file(dir.path() / "precious" / "keep.txt", "keep");
  fs::create_directory_symlink(dir.path() / "precious", work / "link");
  EXPECT_EQ(sweep_work_dir(work), 1);
  EXPECT_TRUE(fs::exists(dir.path() / "precious" / "keep.txt"));
}

TEST(WorkDirSweepTest, AMissingFolderIsNothingToDo) {
  TempDir dir;
  EXPECT_EQ(sweep_work_dir(dir.path() / "absent"), 0);
}

}  // namespace
}  // namespace pitchreel::testing
