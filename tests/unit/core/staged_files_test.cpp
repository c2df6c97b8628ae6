#include "core/staged_files.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace pitchreel {
namespace {

TEST(StagedFiles, CommitRenamesIntoPlace) {
  testing::TempDir dir;
  StagedFiles staged;
  const auto tmp = staged.stage(dir / "a.mp4");
  EXPECT_EQ(tmp.parent_path(), dir.path());
  testing::write_file(tmp, "data");
  ASSERT_TRUE(staged.commit());
  EXPECT_EQ(testing::read_file(dir / "a.mp4"), "data");
  EXPECT_FALSE(std::filesystem::exists(tmp));
}

TEST(StagedFiles, AbandonedFilesAreRemoved) {
  testing::TempDir dir;
  std::filesystem::path tmp;
  {
    StagedFiles staged;
    tmp = staged.stage(dir / "a.mp4");
    testing::write_file(tmp, "partial");
  }
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_FALSE(std::filesystem::exists(dir / "a.mp4"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace pitchreel
