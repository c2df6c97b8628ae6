// FaceRig: the presenter's face as a triangle mesh over the 68 landmarks, a few forehead
// points, a ring around the head, a grid over the neck below the chin and a fixed frame
// around it all, and how each pose moves the mesh's points. Everything that animates happens inside region(): the fixed
// frame keeps the rest of the picture (and the background) exactly still, and the ring
// between head and frame absorbs the head's motion, so nothing tears.
#pragma once

#include <span>
#include <vector>

#include <opencv2/core.hpp>

#include "presenter/face_detector.h"
#include "presenter/face_pose.h"

namespace pitchreel {

class FaceRig {
 public:
  // `face` is in the picture's pixels; the region stays inside `bounds` (even-aligned).
  static FaceRig create(const FaceLandmarks& face, cv::Rect bounds);

  cv::Rect region() const { return region_; }
  // The mesh at rest and posed, in region coordinates (same order, same triangles).
  const std::vector<cv::Point2f>& rest() const { return rest_; }
  std::vector<cv::Point2f> posed(const FacePose& pose) const;
  const std::vector<cv::Vec3i>& triangles() const { return triangles_; }
  float mouth_width() const { return mouth_width_; }
  // Where the mouth may be, in region coordinates, whatever the pose (captions avoid it).
  cv::Rect2f mouth_reach() const;

  // Indices of the inner lip contour (landmarks 60-67) in rest()/posed().
  static constexpr int kInnerLipFirst = 60;

 private:
  cv::Rect region_;
  std::vector<cv::Point2f> rest_;
  std::vector<cv::Vec3i> triangles_;
  cv::Point2f down_, right_;  // unit vectors: chin direction and eye line
  cv::Point2f pivot_;         // the neck: what the head turns about
  float mouth_width_ = 0;
  float face_width_ = 0;
  int ring_first_ = 0, neck_first_ = 0, frame_first_ = 0;
  // Per neck point: how much of the chin's drop it takes (across the jaw's width) and how
  // much of the head's motion (down the neck); both smooth, so the neck has no creases.
  std::vector<float> neck_drop_, neck_follow_;
};

// Where the mouth of a face with these 68 landmarks (iBUG order) may be whatever it says:
// the lips' box grown by 0.35 mouth widths all round, and as much again downwards for the
// jaw. Captions avoid it.
cv::Rect2f mouth_reach(std::span<const cv::Point2f, 68> landmarks);

}  // namespace pitchreel
