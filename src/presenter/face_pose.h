// FacePose: everything that moves in one frame of the presenter: the mouth, the eyelids
// and the head as a whole.
#pragma once

#include <opencv2/core.hpp>

#include "presenter/mouth_pose.h"

namespace pitchreel {

struct HeadPose {
  float roll = 0;     // radians, about the neck
  cv::Point2f shift;  // in face widths
  float scale = 0;    // relative: 0.01 = 1% larger
};

struct FacePose {
  MouthPose mouth;
  float blink = 0;  // 0 open .. 1 closed
  HeadPose head;
};

}  // namespace pitchreel
