// Performance: the presenter's whole act, one FacePose per video frame: the mouth track,
// natural blinks (every 2 to 6 seconds, about 150 ms each), slow idle head motion and
// light nods that follow the speech's emphasis. Deterministic: the same input gives the
// same video.
#pragma once

#include <vector>

#include "presenter/face_pose.h"
#include "presenter/mouth_pose.h"
#include "presenter/speech_features.h"

namespace pitchreel {

std::vector<FacePose> perform(const std::vector<MouthPose>& mouth,
                              const std::vector<FrameFeatures>& features, int fps);

}  // namespace pitchreel
