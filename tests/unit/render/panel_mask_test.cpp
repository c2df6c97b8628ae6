#include "render/panel_mask.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

namespace pitchreel {
namespace {

// A picture whose every sample differs from its neighbours' and from the frame's.
Yuv420 textured(cv::Size size, int seed) {
  Yuv420 p = Yuv420::allocate(size);
  for (cv::Mat* plane : {&p.y, &p.u, &p.v}) {
    for (int r = 0; r < plane->rows; ++r) {
      for (int c = 0; c < plane->cols; ++c) {
        plane->at<std::uint8_t>(r, c) =
            static_cast<std::uint8_t>(16 + (r * 7 + c * 3 + seed) % 200);
      }
    }
    seed += 11;
  }
  return p;
}

Yuv420 filled(cv::Size size, int value) {
  Yuv420 p = Yuv420::allocate(size);
  p.y.setTo(value);
  p.u.setTo(value);
  p.v.setTo(value);
  return p;
}

cv::Rect half(cv::Rect r) { return {r.x / 2, r.y / 2, r.width / 2, r.height / 2}; }

// Samples of `plane` inside `area` that differ from `expected` (same size as area).
int differing(const cv::Mat& plane, cv::Rect area, const cv::Mat& expected) {
  cv::Mat diff;
  cv::compare(plane(area), expected, diff, cv::CMP_NE);
  return cv::countNonZero(diff);
}

TEST(PanelMask, ASquarePanelIsCopiedWhole) {
  const Yuv420 picture = textured({64, 48}, 1);
  Yuv420 frame = filled({160, 90}, 0);
  const cv::Point origin(20, 10);
  PanelMask::rounded(picture.size(), 0).copy(picture, frame, origin);
  const cv::Rect area(origin, picture.size());
  EXPECT_EQ(differing(frame.y, area, picture.y), 0);
  EXPECT_EQ(differing(frame.u, half(area), picture.u), 0);
  EXPECT_EQ(differing(frame.v, half(area), picture.v), 0);
  EXPECT_EQ(cv::countNonZero(frame.y), area.area()) << "written outside the panel";
}

TEST(PanelMask, RoundedCornersKeepWhatIsUnderThem) {
  const Yuv420 picture = textured({64, 48}, 1);
  Yuv420 frame = filled({160, 90}, 0);
  const cv::Point origin(20, 10);
  PanelMask::rounded(picture.size(), 12).copy(picture, frame, origin);
  EXPECT_EQ(frame.y.at<std::uint8_t>(origin), 0) << "the top left corner was painted";
  EXPECT_EQ(frame.u.at<std::uint8_t>(origin / 2), 0);
  const cv::Rect middle(origin + cv::Point(12, 12), cv::Size(40, 24));
  EXPECT_EQ(differing(frame.y, middle, picture.y(middle - origin)), 0);
}

TEST(PanelMask, ASkippedPartIsLeftAsItWasAndTheRestCopied) {
  const Yuv420 picture = textured({64, 48}, 1);
  const cv::Point origin(20, 10);
  const cv::Rect skip(10, 8, 30, 26);  // even origin and size, inside the panel
  for (const int radius : {0, 6}) {
    const PanelMask mask = PanelMask::rounded(picture.size(), radius);
    Yuv420 whole = filled({160, 90}, 0), skipped = filled({160, 90}, 0);
    mask.copy(picture, whole, origin);
    mask.copy(picture, skipped, origin, skip);
    const cv::Rect in_frame = skip + origin;
    EXPECT_EQ(cv::countNonZero(skipped.y(in_frame)), 0) << "radius " << radius;
    EXPECT_EQ(cv::countNonZero(skipped.u(half(in_frame))), 0) << "radius " << radius;
    EXPECT_EQ(cv::countNonZero(skipped.v(half(in_frame))), 0) << "radius " << radius;
    // Everywhere else, what the whole copy wrote.
    skipped.y(in_frame).setTo(1);
    whole.y(in_frame).setTo(1);
    skipped.u(half(in_frame)).setTo(1);
    whole.u(half(in_frame)).setTo(1);
    skipped.v(half(in_frame)).setTo(1);
    whole.v(half(in_frame)).setTo(1);
    EXPECT_EQ(cv::norm(skipped.y, whole.y, cv::NORM_INF), 0.0) << "radius " << radius;
    EXPECT_EQ(cv::norm(skipped.u, whole.u, cv::NORM_INF), 0.0) << "radius " << radius;
    EXPECT_EQ(cv::norm(skipped.v, whole.v, cv::NORM_INF), 0.0) << "radius " << radius;
  }
}

}  // namespace
}  // namespace pitchreel
