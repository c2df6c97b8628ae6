// PresenterLayer: the presenter in the layout's panel, as a layer of the composed video.
// Two kinds, one per engine: the CPU's mesh-warped portrait (animated_presenter.h) and a
// GPU's video of the portrait talking (video_presenter.h). The compositor treats them alike.
//
// Contract: FrameLayer's (frames in order, one thread, only the panel is written), plus
// mouth_area(): where the mouth may be in any frame, in frame pixels, fixed for the whole
// video, so that captions can be placed off it before the first frame is drawn.
#pragma once

#include <opencv2/core.hpp>

#include "render/frame_layer.h"

namespace pitchreel {

class PresenterLayer : public FrameLayer {
 public:
  virtual cv::Rect mouth_area() const = 0;
};

}  // namespace pitchreel
