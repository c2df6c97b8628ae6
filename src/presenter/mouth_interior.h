// MouthInterior: what shows between the parted lips: a dark cavity in the lips' own hue
// and a hint of the upper teeth, blended into the lips with a soft edge. Painted into the
// warped region's planes after the mesh warp (which only stretches lip pixels there).
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
  void paint(const std::vector<cv::Point2f>& posed, cv::Mat& y, cv::Mat& u, cv::Mat& v) const;

 private:
  float mouth_width_ = 0;
  cv::Vec3f cavity_;  // Y, Cb, Cr
  cv::Vec3f teeth_;
};

}  // namespace pitchreel
