// libass's images for one frame (shadow, outline and fill, often overlapping) flattened
// into one premultiplied BGRA patch. Rebuilt only when libass reports a change, so most
// frames cost a single integer blend over the caption's bounding box.
#pragma once

#include <ass/ass.h>

#include <opencv2/core.hpp>

namespace pitchreel {

class CaptionOverlay {
 public:
  // Composites `images` (libass order: back to front) inside `clip`; nothing outside
  // `clip` is ever drawn.
  void rebuild(const ASS_Image* images, cv::Rect clip);

  // Blends onto a CV_8UC3 BGR frame; parts beyond the frame are skipped.
  void blend_onto(cv::Mat& frame_bgr) const;

  bool empty() const { return bounds_.empty(); }
  cv::Rect bounds() const { return bounds_; }

 private:
  cv::Rect bounds_;
  cv::Mat patch_;  // CV_8UC4: B*a/255, G*a/255, R*a/255, a
};

}  // namespace pitchreel
