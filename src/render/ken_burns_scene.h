// KenBurnsScene: the product photo whole inside the frame over a blurred, darkened fill
// of itself, with a slow camera move (zoom in and drift).
//
// Everything static is composed once into a "still" slightly larger than the frame and
// kept in the encoder's Yuv420 layout; each frame is then one bilinear affine resample
// per plane with continuous (double precision) zoom and offset. That keeps the move
// smooth to the sub-pixel, unlike cropping whole pixels (ffmpeg's zoompan jitter), and
// costs one pass over 1.5 bytes per pixel, with no per-frame colour conversion.
#pragma once

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"
#include "render/frame_layout.h"

namespace pitchreel {

class KenBurnsScene {
 public:
  // `photo` is CV_8UC3 BGR; `frame` has even sides; `layout.product` is where the
  // product must stay whole.
  static Result<KenBurnsScene> create(const cv::Mat& photo, cv::Size frame,
                                      const FrameLayout& layout);

  // Renders the picture at camera progress `p` in [0, 1] into `out` (allocated to the
  // frame size when it is not).
  void render(double p, Yuv420& out) const;
  // The same, but only inside `area` (even origin and size): what another layer will
  // cover entirely (the presenter's panel) is not drawn.
  void render(double p, Yuv420& out, cv::Rect area) const;

  // How much a `photo`-sized photo is enlarged to fill layout.product at the end of the
  // move (< 1: reduced); capped at kMaxUpscale, beyond which the product stays smaller
  // than its box.
  static double product_scale_for(cv::Size photo, const FrameLayout& layout);

  // Small photos are enlarged (Lanczos) up to this factor, no further: beyond it the
  // pixels would show as blur and blocks.
  static constexpr double kMaxUpscale = 3.0;

 private:
  KenBurnsScene() = default;

  // The still is this much larger than the frame; the camera zooms from showing all of
  // it (scaled down) to showing 1/kOverscan of it at native resolution. 5% keeps the move
  // visible while the product at the start is still 95% of its final size (the hero).
  static constexpr double kOverscan = 1.05;

  Yuv420 still_;
  cv::Size frame_;
  cv::Point2d start_center_;
  cv::Point2d end_center_;
};

}  // namespace pitchreel
