#include "render/scale_translate.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

// The separable resampler agrees with OpenCV's general bilinear warp for the same
// zoom + offset, away from the borders (which it clamps and warpAffine reflects).
TEST(ScaleTranslate, MatchesBilinearWarp) {
  cv::Mat src(300, 420, CV_8UC1);
  cv::randu(src, 0, 255);
  cv::GaussianBlur(src, src, cv::Size(0, 0), 1.5);
  for (const double scale : {0.91, 0.9537, 1.0, 1.25}) {
    for (const double offset : {-7.3, 0.0, 0.49, 5.123}) {
      cv::Mat ours(256, 360, CV_8UC1), reference;
      resample_scale_translate(src, ours, scale, offset, offset * 0.7);
      const cv::Matx23d m(scale, 0, offset, 0, scale, offset * 0.7);
      cv::warpAffine(src, reference, m, ours.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
      const cv::Rect inner(16, 16, ours.cols - 32, ours.rows - 32);
      cv::Mat diff;
      cv::absdiff(ours(inner), reference(inner), diff);
      double max_diff = 0;
      cv::minMaxLoc(diff, nullptr, &max_diff);
      EXPECT_LE(max_diff, 2.0) << "scale " << scale << " offset " << offset;
      EXPECT_LT(cv::mean(diff)[0], 0.6) << "scale " << scale << " offset " << offset;
    }
  }
}

TEST(ScaleTranslate, IdentityIsExact) {
  cv::Mat src(64, 80, CV_8UC1);
  cv::randu(src, 0, 255);
  cv::Mat out(64, 80, CV_8UC1);
  resample_scale_translate(src, out, 1.0, 0.0, 0.0);
  EXPECT_EQ(cv::norm(src, out, cv::NORM_INF), 0.0);
}

TEST(ScaleTranslate, BordersAreClampedNotBlack) {
  cv::Mat src(32, 32, CV_8UC1, cv::Scalar(200));
  cv::Mat out(40, 40, CV_8UC1, cv::Scalar(0));
  resample_scale_translate(src, out, 1.0, 4.0, 4.0);  // shifts the picture past the edges
  double min_value = 0;
  cv::minMaxLoc(out, &min_value);
  EXPECT_EQ(min_value, 200.0);
}

}  // namespace
}  // namespace pitchreel
