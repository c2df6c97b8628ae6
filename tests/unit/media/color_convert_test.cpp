#include "media/color_convert.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

// BT.709 limited range, e.g. pure red is Y 63, Cb 102, Cr 240 (not BT.601's 81/90/240).
TEST(ColorConvert, UsesBt709LimitedRange) {
  struct Case {
    cv::Scalar bgr;
    int y, cb, cr;
  };
  for (const auto& c : {Case{{0, 0, 255}, 63, 102, 240}, Case{{255, 255, 255}, 235, 128, 128},
                        Case{{0, 0, 0}, 16, 128, 128}, Case{{255, 0, 0}, 32, 240, 118}}) {
    cv::Mat bgr(16, 16, CV_8UC3, c.bgr);
    auto yuv = bgr_to_yuv420(bgr);
    ASSERT_TRUE(yuv);
    EXPECT_NEAR(yuv->y.at<std::uint8_t>(8, 8), c.y, 1) << c.bgr;
    EXPECT_NEAR(yuv->u.at<std::uint8_t>(4, 4), c.cb, 1) << c.bgr;
    EXPECT_NEAR(yuv->v.at<std::uint8_t>(4, 4), c.cr, 1) << c.bgr;
  }
}

TEST(ColorConvert, RoundTripKeepsColours) {
  cv::Mat bgr(64, 64, CV_8UC3);
  cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::blur(bgr, bgr, cv::Size(9, 9));  // natural pictures have smooth chroma
  auto yuv = bgr_to_yuv420(bgr);
  ASSERT_TRUE(yuv);
  auto back = yuv420_to_bgr(*yuv);
  ASSERT_TRUE(back);
  cv::Mat diff;
  cv::absdiff(bgr, *back, diff);
  EXPECT_LT(cv::mean(diff)[0], 3.0);
}

TEST(ColorConvert, OddSizesAreRefused) { EXPECT_FALSE(bgr_to_yuv420(cv::Mat(15, 16, CV_8UC3))); }

}  // namespace
}  // namespace pitchreel
