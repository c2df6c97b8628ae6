// PresenterPanel: the presenter as the frame shows them: the portrait scaled and cropped
// to fill the layout's panel (the face centred, eyes a little above the middle, the face
// about a third of the panel's width), with rounded corners when the layout asks, and
// the talking head inside it. Per frame, draw() copies the still panel (1.5 bytes a
// pixel) and warps only the face region.
#pragma once

#include <optional>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"
#include "presenter/face_detector.h"
#include "presenter/face_pose.h"
#include "presenter/talking_head.h"

namespace pitchreel {

struct FramedPortrait {
  cv::Mat picture;     // CV_8UC3 BGR, the panel's size
  FaceLandmarks face;  // in the picture's pixels
};

// `panel` has even sides.
FramedPortrait frame_portrait(const cv::Mat& portrait, const FaceLandmarks& face, cv::Size panel);

class PresenterPanel {
 public:
  // `panel` is where it goes in the frame (even origin and size); `radius` rounds its
  // corners (0: square).
  static Result<PresenterPanel> create(const cv::Mat& portrait, const FaceLandmarks& face,
                                       cv::Rect panel, int radius);

  // The mouth's reach in frame pixels: captions stay off it.
  cv::Rect mouth_area() const;
  cv::Rect panel() const { return panel_; }

  void draw(const FacePose& pose, Yuv420& frame);

 private:
  PresenterPanel(TalkingHead head, cv::Rect panel, cv::Mat mask, cv::Mat half_mask);

  TalkingHead head_;
  cv::Rect panel_;
  cv::Mat mask_, half_mask_;  // empty when the corners are square
};

}  // namespace pitchreel
