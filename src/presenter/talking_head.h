// TalkingHead: a portrait that can be drawn in any FacePose. The portrait is converted to
// the encoder's Yuv420 once; each frame then warps only the face region (the rig's
// region, a box around the head) straight into the frame, and paints the open mouth.
// Nothing outside that region is touched by draw(): callers copy the still picture
// around it (or keep it from an earlier frame).
//
// One thread at a time.
#pragma once

#include <optional>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"
#include "presenter/face_detector.h"
#include "presenter/face_rig.h"
#include "presenter/mesh_warp.h"
#include "presenter/mouth_interior.h"

namespace pitchreel {

class TalkingHead {
 public:
  // `picture` is CV_8UC3 BGR with even sides, at the size it is shown; `face` is in its
  // pixels. The animated region stays `inset` pixels inside the picture (rounded corners).
  static Result<TalkingHead> create(const cv::Mat& picture, const FaceLandmarks& face,
                                    int inset = 0);

  const Yuv420& still() const { return still_; }
  const FaceRig& rig() const { return rig_; }
  // Where draw() writes, in picture pixels (even origin and size).
  cv::Rect region() const { return rig_.region(); }

  // Writes the face region in `pose` into `out` at `origin` + region() (`origin` even):
  // `out` holds the picture at `origin`.
  void draw(const FacePose& pose, Yuv420& out, cv::Point origin);

 private:
  TalkingHead(Yuv420 still, FaceRig rig);

  Yuv420 still_;
  FaceRig rig_;
  MeshWarp warp_;
  MouthInterior interior_;
};

}  // namespace pitchreel
