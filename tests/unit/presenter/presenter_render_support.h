// Renders a presenter's frames the way the CPU engine does (framed portrait, performance,
// talking head) and measures them with the same landmark detector, for the measured
// lip-sync and stability tests.
#pragma once

#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

#include "presenter/face_detector.h"
#include "presenter/face_pose.h"
#include "presenter/face_rig.h"
#include "tts/speech.h"

namespace pitchreel::testing {

struct RenderedPresenter {
  cv::Mat still;                // BGR picture at rest
  cv::Mat still_yuv;            // the same after the Yuv420 round trip every frame takes
  cv::Rect region;              // where the animation happens
  std::vector<cv::Mat> frames;  // BGR
  std::vector<FacePose> poses;
  FaceRig rig;  // the talking head's mesh (region coordinates)
};

// The first `seconds` of a recording at 16 kHz, after `silence_before` seconds of silence (as
// the video's lead-in has), without phonemes: the mouth follows the audio. A recording that
// cannot be read fails the test and gives no samples.
Speech recorded_speech(const std::filesystem::path& path, double seconds,
                       double silence_before = 0);

// `speech` without phonemes is animated from its audio. Frame i is audio time i / fps.
RenderedPresenter render_presenter(const cv::Mat& portrait, const Speech& speech, cv::Size panel,
                                   int fps = 30);

// Mouth opening per frame: the inner lips' gap over the mouth's width, measured by
// dlib's landmarks on each rendered frame.
std::vector<double> measured_openings(const std::vector<cv::Mat>& frames);

// RMS of the audio in a one-frame window centred on each frame's time.
std::vector<double> speech_envelope(const Speech& speech, std::size_t frames, int fps);

double pearson(const std::vector<double>& a, const std::vector<double>& b);

// Mean SSIM of two grayscale pictures (Gaussian window, sigma 1.5).
double ssim(const cv::Mat& a, const cv::Mat& b);

}  // namespace pitchreel::testing
