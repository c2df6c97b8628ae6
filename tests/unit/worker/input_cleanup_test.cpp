// Deleting a finished job's input never reaches outside the uploads folder.
#include "worker/input_cleanup.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace pitchreel::testing {
namespace {

namespace fs = std::filesystem;

class InputCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(uploads() / "job");
    fs::create_directories(dir_ / "outside");
  }
  fs::path uploads() const { return dir_ / "uploads"; }
  TempDir dir_;
};

TEST_F(InputCleanupTest, RemovesAFileInsideUploads) {
  const auto file = uploads() / "job" / "image.jpg";
  write_file(file, "x");
  EXPECT_TRUE(remove_input_file(file, uploads()));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_TRUE(fs::exists(uploads() / "job"));
}

TEST_F(InputCleanupTest, KeepsFilesOutsideUploads) {
  const auto outside = dir_ / "outside" / "image.jpg";
  write_file(outside, "x");
  EXPECT_FALSE(remove_input_file(outside, uploads()));
  EXPECT_FALSE(remove_input_file(uploads() / ".." / "outside" / "image.jpg", uploads()));
  EXPECT_FALSE(remove_input_file(outside, ""));
  EXPECT_TRUE(fs::exists(outside));
}

TEST_F(InputCleanupTest, NeverFollowsSymlinksOut) {
  const auto outside = dir_ / "outside" / "image.jpg";
  write_file(outside, "x");
  fs::create_directory_symlink(dir_ / "outside", uploads() / "link");
  EXPECT_FALSE(remove_input_file(uploads() / "link" / "image.jpg", uploads()));
  EXPECT_TRUE(fs::exists(outside));

  // A symlink file inside uploads is removed itself; its target stays.
  fs::create_symlink(outside, uploads() / "job" / "alias.jpg");
  EXPECT_TRUE(remove_input_file(uploads() / "job" / "alias.jpg", uploads()));
  EXPECT_FALSE(fs::exists(fs::symlink_status(uploads() / "job" / "alias.jpg")));
  EXPECT_TRUE(fs::exists(outside));
}

TEST_F(InputCleanupTest, KeepsFoldersAndTheRootItself) {
  EXPECT_FALSE(remove_input_file(uploads() / "job", uploads()));
  EXPECT_FALSE(remove_input_file(uploads(), uploads()));
  EXPECT_TRUE(fs::exists(uploads() / "job"));
}

}  // namespace
}  // namespace pitchreel::testing
