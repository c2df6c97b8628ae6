// VideoLayer: a video made elsewhere (a Hallo3 GPU server's MP4) as a layer of the composed
// video, on the narration's clock: frame i of `timeline` shows the video at
// time_of(i) - lead_in, its first frame during the lead-in and its last in the tail.
// The file is decoded once, in order, on the render thread; each of its frames is turned
// into the layer's picture by `shape` once, however many frames of the timeline show it,
// and copied into `area` through `mask` every frame.
#pragma once

#include <functional>

#include <opencv2/core.hpp>

#include "media/video_cursor.h"
#include "render/frame_layer.h"
#include "render/panel_mask.h"
#include "render/timeline.h"

namespace pitchreel {

class VideoLayer final : public FrameLayer {
 public:
  // Fills `picture` (CV_8UC3 BGR, the area's size) from one of the video's frames.
  using Shape = std::function<void(const cv::Mat& video_frame, cv::Mat& picture)>;

  // `area` has even origin and size; `mask` is of its size.
  VideoLayer(VideoCursor cursor, const Timeline& timeline, cv::Rect area, PanelMask mask,
             Shape shape);

  // Errors: the video's ("video_unreadable").
  Status draw(std::int64_t frame, Yuv420& out) override;

 private:
  VideoCursor cursor_;
  Timeline timeline_;
  cv::Rect area_;
  PanelMask mask_;
  Shape shape_;
  cv::Mat shaped_;           // the current video frame shaped (BGR)
  Yuv420 picture_;           // the same in the encoder's layout
  std::int64_t shown_ = -1;  // the cursor's index of the frame in picture_
};

}  // namespace pitchreel
