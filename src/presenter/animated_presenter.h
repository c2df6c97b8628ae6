// The presenter animated on the CPU (the cpu engine's talking head): the portrait framed
// into the layout's panel (PresenterPanel), posed frame by frame from the narration: the
// mouth from the phoneme timings (from the audio when there are none), blinks and head
// motion (perform). The narration starts at timeline.lead_in.
#pragma once

#include <memory>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "presenter/face_detector.h"
#include "presenter/presenter_layer.h"
#include "render/timeline.h"
#include "tts/speech.h"

namespace pitchreel {

// `portrait` is CV_8UC3 BGR and `face` its landmarks; `panel` and `radius` as for
// PresenterPanel::create, whose errors it returns.
Result<std::unique_ptr<PresenterLayer>> animate_presenter(const cv::Mat& portrait,
                                                          const FaceLandmarks& face,
                                                          const Speech& speech,
                                                          const Timeline& timeline, cv::Rect panel,
                                                          int radius);

}  // namespace pitchreel
