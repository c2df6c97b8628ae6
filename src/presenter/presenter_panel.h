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
#include "render/panel_mask.h"

namespace pitchreel {

// Where a picture goes to frame its face in a panel: scaled by `scale`, then moved by
// `offset` (panel pixels). The same framing serves a still portrait and every frame of a
// video of it.
struct PortraitFraming {
  double scale = 1;
  cv::Point2d offset;

  // The picture as the panel shows it: CV_8UC3 of the panel's size (edges repeated where
  // the picture does not reach, which the framing avoids whenever it can).
  void apply(const cv::Mat& picture, cv::Size panel, cv::Mat& out) const;
  // `face` (picture pixels) in panel pixels.
  FaceLandmarks map(const FaceLandmarks& face) const;
};

// Face centred, eyes at 40% of the height, the face about a third of the panel's width,
// and never uncovering the panel. `face` is in the picture's pixels.
PortraitFraming frame_face(cv::Size picture, const FaceLandmarks& face, cv::Size panel);

struct FramedPortrait {
  cv::Mat picture;     // CV_8UC3 BGR, the panel's size
  FaceLandmarks face;  // in the picture's pixels
};

// `panel` has even sides.
FramedPortrait frame_portrait(const cv::Mat& portrait, const FaceLandmarks& face, cv::Size panel);

class PresenterPanel {
 public:
  // `panel` is where it goes in the frame (even origin and size); `radius` rounds its
  // corners (0: square). "presenter_panel" (internal) for a panel too small or odd-aligned.
  static Result<PresenterPanel> create(const cv::Mat& portrait, const FaceLandmarks& face,
                                       cv::Rect panel, int radius);

  // The mouth's reach in frame pixels: captions stay off it.
  cv::Rect mouth_area() const;
  cv::Rect panel() const { return panel_; }

  void draw(const FacePose& pose, Yuv420& frame);

 private:
  PresenterPanel(TalkingHead head, cv::Rect panel, PanelMask mask);

  TalkingHead head_;
  cv::Rect panel_;
  PanelMask mask_;
};

// "presenter_panel" (internal) unless `panel` is at least 64 px a side with even origin
// and size: what every presenter's panel must be.
Status check_panel(cv::Rect panel);

}  // namespace pitchreel
