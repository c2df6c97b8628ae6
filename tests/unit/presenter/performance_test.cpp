#include "presenter/performance.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pitchreel {
namespace {

constexpr int kFps = 30;

TEST(Performance, BlinksEveryTwoToSixSecondsForAboutAHundredAndFiftyMilliseconds) {
  const std::size_t n = 60 * kFps;  // a minute
  const std::vector<MouthPose> mouth(n);
  const std::vector<FrameFeatures> features(n);
  const auto poses = perform(mouth, features, kFps);
  ASSERT_EQ(poses.size(), n);
  // Blinks: runs of frames with the lids more than half closed.
  std::vector<std::pair<std::size_t, std::size_t>> blinks;  // first frame, length
  for (std::size_t i = 0; i < n; ++i) {
    if (poses[i].blink <= 0.5f) continue;
    if (!blinks.empty() && blinks.back().first + blinks.back().second == i) {
      ++blinks.back().second;
    } else {
      blinks.push_back({i, 1});
    }
  }
  ASSERT_GE(blinks.size(), 10u);
  ASSERT_LE(blinks.size(), 30u);
  for (std::size_t k = 0; k < blinks.size(); ++k) {
    // Half-closed or more for 2 to 4 frames (about 70-130 ms of a 150 ms blink).
    EXPECT_GE(blinks[k].second, 2u);
    EXPECT_LE(blinks[k].second, 4u);
    if (k > 0) {
      const double gap = static_cast<double>(blinks[k].first - blinks[k - 1].first) / kFps;
      EXPECT_GE(gap, 1.9);
      EXPECT_LE(gap, 6.1);
    }
  }
}

TEST(Performance, HeadStartsAtRestMovesGentlyAndNodsWithEmphasis) {
  const std::size_t n = 20 * kFps;
  const std::vector<MouthPose> mouth(n);
  std::vector<FrameFeatures> quiet(n), loud(n);
  for (auto& f : loud) {
    f.silent = false;
    f.loudness = 1.0f;
  }
  const auto still = perform(mouth, quiet, kFps);
  const auto speaking = perform(mouth, loud, kFps);
  EXPECT_EQ(still[0].head.roll, 0);
  EXPECT_EQ(still[0].head.shift, cv::Point2f(0, 0));
  EXPECT_EQ(still[0].head.scale, 0);
  float max_roll = 0, max_step = 0;
  for (std::size_t i = 1; i < n; ++i) {
    max_roll = std::max(max_roll, std::abs(still[i].head.roll));
    max_step = std::max(
        max_step, static_cast<float>(cv::norm(still[i].head.shift - still[i - 1].head.shift)));
  }
  EXPECT_GT(max_roll, 0.005f) << "the head moves";
  EXPECT_LT(max_roll, 0.05f) << "under 3 degrees";
  EXPECT_LT(max_step, 0.002f) << "slowly: under 0.2% of a face width a frame";
  // Speech dips the head a little (a nod) compared with silence.
  EXPECT_GT(speaking[n / 2].head.shift.y - still[n / 2].head.shift.y, 0.005f);
}

}  // namespace
}  // namespace pitchreel
