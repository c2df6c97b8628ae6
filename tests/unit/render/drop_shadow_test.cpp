#include "render/drop_shadow.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

// The shadow as it was first written: a mask of the shadow blurred whole with
// cv::GaussianBlur, then multiplied in.
void blurred_mask_shadow(cv::Mat& canvas, cv::Rect box) {
  const int blur = std::max(4, std::min(box.width, box.height) / 20);
  const cv::Rect shadow = box + cv::Point(blur / 3, blur / 2);
  const cv::Rect roi = (shadow + cv::Size(6 * blur, 6 * blur) - cv::Point(3 * blur, 3 * blur)) &
                       cv::Rect({}, canvas.size());
  if (roi.empty()) return;
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8UC1);
  cv::rectangle(mask, shadow - roi.tl(), cv::Scalar(140), cv::FILLED);
  cv::GaussianBlur(mask, mask, cv::Size(0, 0), blur);
  cv::Mat keep;
  cv::subtract(cv::Scalar(255), mask, keep);
  cv::Mat keep3;
  cv::cvtColor(keep, keep3, cv::COLOR_GRAY2BGR);
  cv::Mat area = canvas(roi);
  cv::multiply(area, keep3, area, 1.0 / 255);
}

cv::Mat textured_canvas(cv::Size size) {
  cv::Mat canvas(size, CV_8UC3);
  cv::randu(canvas, cv::Scalar::all(0), cv::Scalar::all(256));
  return canvas;
}

TEST(DropShadow, IsTheBlurredMasksShadowToWithinOneLevel) {
  const cv::Size size(1200, 900);
  // Inside, small (the softness's floor of 4 px), large, and cut by each edge of the
  // canvas, where the blur reflects the shadow back in; one wholly outside.
  const cv::Rect boxes[] = {{300, 200, 500, 400}, {50, 60, 30, 20},    {10, 10, 1100, 800},
                            {-40, 300, 400, 300}, {900, 500, 400, 500}, {200, -90, 300, 200},
                            {1180, 880, 200, 200}, {1300, 50, 100, 100}};
  for (const cv::Rect& box : boxes) {
    SCOPED_TRACE(testing::Message() << "box " << box);
    const cv::Mat original = textured_canvas(size);
    cv::Mat expected = original.clone();
    blurred_mask_shadow(expected, box);
    cv::Mat shadowed = original.clone();
    drop_shadow(shadowed, box);
    cv::Mat difference;
    cv::absdiff(shadowed, expected, difference);
    double worst = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &worst);
    EXPECT_LE(worst, 1);
    // It does darken: 55% at the middle of the shadow (the box moved by a third and a half
    // of its softness).
    const int blur = std::max(4, std::min(box.width, box.height) / 20);
    const cv::Point middle = (box.tl() + box.br()) / 2 + cv::Point(blur / 3, blur / 2);
    if (cv::Rect({}, size).contains(middle) && box.width > 100 && box.height > 100) {
      const cv::Vec3b before = original.at<cv::Vec3b>(middle);
      const cv::Vec3b after = shadowed.at<cv::Vec3b>(middle);
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(after[c], before[c] * 115 / 255.0, 1);
    }
    // Nothing beyond 3 sigma of the shadow changes.
    const cv::Rect near = box + cv::Point(blur / 3 - 3 * blur, blur / 2 - 3 * blur) +
                          cv::Size(6 * blur, 6 * blur);
    cv::Mat far_before = original.clone(), far_after = shadowed.clone();
    far_before(near & cv::Rect({}, size)).setTo(0);
    far_after(near & cv::Rect({}, size)).setTo(0);
    EXPECT_EQ(cv::norm(far_before, far_after, cv::NORM_INF), 0);
  }
}

}  // namespace
}  // namespace pitchreel
