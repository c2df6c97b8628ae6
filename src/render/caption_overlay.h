// libass's images for one frame (shadow, outline and fill, often overlapping) flattened
// into one premultiplied BGRA patch. Rebuilt only when libass reports a change, so most
// frames cost a single integer blend over the caption's bounding box.
#pragma once

#include <ass/ass.h>

#include <opencv2/core.hpp>

#include "media/yuv420.h"

namespace pitchreel {

class CaptionOverlay {
 public:
  // Composites `images` (libass order: back to front) inside `clip`; nothing outside
  // `clip` is ever drawn.
  void rebuild(const ASS_Image* images, cv::Rect clip);

  // Blends onto a CV_8UC3 BGR frame; parts beyond the frame are skipped.
  void blend_onto(cv::Mat& frame_bgr) const;
  // Blends onto a Yuv420 frame (what the video engine renders into).
  void blend_onto(Yuv420& frame) const;

  bool empty() const { return bounds_.empty(); }
  cv::Rect bounds() const { return bounds_; }

 private:
  // The BGRA patch converted once per change to premultiplied BT.709 planes, so that
  // the per-frame YUV blend is as cheap as the BGR one.
  void build_yuv();

  cv::Rect bounds_;   // even origin and size, so it maps onto whole chroma samples
  cv::Mat patch_;     // CV_8UC4: B*a/255, G*a/255, R*a/255, a
  // Each plane's patch as (premultiplied value, alpha) byte pairs, so one 16-bit lane
  // holds both and a row blends 8 samples per SSE2 step.
  cv::Mat patch_y_;   // CV_8UC2: Y*a/255, a
  cv::Mat patch_cb_;  // CV_8UC2 at half size: Cb*a/255, mean a of the 2x2 block
  cv::Mat patch_cr_;  // CV_8UC2 at half size: Cr*a/255, mean a of the 2x2 block
};

}  // namespace pitchreel
