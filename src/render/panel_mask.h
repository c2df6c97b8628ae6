// PanelMask: the presenter's window as the frame shows it, square or with rounded corners
// (pip), at the luma's and the chroma's resolution. Whatever fills the window (a still
// portrait, a video's frame) is copied through it, so the corners keep what is under them.
#pragma once

#include <opencv2/core.hpp>

#include "media/yuv420.h"

namespace pitchreel {

class PanelMask {
 public:
  // `panel` has even sides; `radius` 0 means square corners (a plain copy).
  static PanelMask rounded(cv::Size panel, int radius);

  // Copies `picture` (the panel's size) into `frame` at `origin` (even) through the mask,
  // all but `skip` (panel pixels, even origin and size): a part the caller draws whole
  // itself, such as the presenter's head region (a third to a half of the panel).
  void copy(const Yuv420& picture, Yuv420& frame, cv::Point origin, cv::Rect skip = {}) const;

 private:
  cv::Mat full_, half_;  // CV_8UC1, 0 or 255; empty when the corners are square
};

}  // namespace pitchreel
