// KenBurnsScene: the product photo whole inside the frame over a blurred, darkened fill
// of itself, with a slow camera move (zoom in and drift).
//
// Everything static is composed once into a "still" slightly larger than the frame;
// each frame is then one bilinear affine resample of the still with continuous
// (double precision) zoom and offset. That keeps the move smooth to the sub-pixel,
// unlike cropping whole pixels (ffmpeg's zoompan jitter), and costs one pass per frame.
#pragma once

#include <opencv2/core.hpp>

#include "render/frame_layout.h"

namespace pitchreel {

class KenBurnsScene {
 public:
  // `photo` is CV_8UC3 BGR; `layout.product` is where the product must stay whole.
  KenBurnsScene(const cv::Mat& photo, cv::Size frame, const FrameLayout& layout);

  // Renders the picture at camera progress `p` in [0, 1] into `out` (frame size, CV_8UC3).
  void render(double p, cv::Mat& out) const;

  // The still the camera looks at, for drawing static overlays (e.g. the title) once.
  cv::Mat& still() { return still_; }
  // Scale from frame coordinates to still coordinates.
  double overscan() const { return kOverscan; }

 private:
  // The still is this much larger than the frame; the camera zooms from showing all of
  // it (scaled down) to showing 1/kOverscan of it at native resolution.
  static constexpr double kOverscan = 1.10;

  cv::Mat still_;
  cv::Size frame_;
  cv::Point2d start_center_;
  cv::Point2d end_center_;
};

}  // namespace pitchreel
