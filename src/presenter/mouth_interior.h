// MouthInterior: what shows between the parted lips: a cavity in the lips' own hue, graded
// from the lips (lighter) to the back of the mouth (dark), the upper teeth under the upper
// lip and, once the jaw drops, the lower teeth above the lower lip, shaded darker toward
// the corners. Everything is clipped to the posed inner-lip polygon (landmarks 60-67), the
// very pixels the warp fills from the closed mouth's crease, and painted opaque up to it, so
// on a turned face no tooth shows outside the lips, the lower lip is never painted over and
// no crease is left along the edge; the lips' inner rim, where the warp stretched the
// crease too, is lifted toward the lip's own brightness. Painted into the warped region's
// planes after the mesh warp.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "media/yuv420.h"

namespace pitchreel {

class MouthInterior {
 public:
  // Samples the colours from the portrait at rest: `y`, `u`, `v` are the region's planes,
  // `rest` the mesh at rest (landmarks 48-67 are the lips).
  MouthInterior(const cv::Mat& y, const cv::Mat& u, const cv::Mat& v,
                const std::vector<cv::Point2f>& rest, float mouth_width);

  // Paints the opening that the posed inner lip contour (landmarks 60-67) encloses.
  // `teeth_mask`, when given, receives where teeth show (CV_8UC1 of y's size, 255 where
  // they cover more than a quarter of the pixel): what the tests measure.
  void paint(const std::vector<cv::Point2f>& posed, cv::Mat& y, cv::Mat& u, cv::Mat& v,
             cv::Mat* teeth_mask = nullptr) const;

 private:
  float mouth_width_ = 0;
  cv::Vec3f cavity_;  // Y, Cb, Cr
  cv::Vec3f teeth_;
};

}  // namespace pitchreel
