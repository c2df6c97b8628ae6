// What Hallo3 is given, prepared the way its README asks: a 1:1 reference image with a clear
// face and WAV audio of the narration.
//
// - The portrait is cropped (or padded, by repeating its edges) to a square centred on the
//   face that detect_face finds, with room for hair and shoulders, and resized to
//   `side_px`. A portrait without a usable face fails here, before any GPU time is spent,
//   with detect_face's error ("no_face_found", "face_too_small", "face_not_frontal").
// - The narration goes as mono 16-bit PCM WAV at the speech's own rate.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "presenter/face_detector.h"
#include "tts/speech.h"

namespace pitchreel {

struct Hallo3Inputs {
  std::vector<std::uint8_t> image_png;
  std::vector<std::uint8_t> audio_wav;
  cv::Rect crop;        // the square taken from the portrait, in its pixels (may reach outside it)
  cv::Size image_size;  // of the image sent: side_px square
  FaceLandmarks face;   // the portrait's face in the image sent (crop mapped to image_size)
};

Result<Hallo3Inputs> prepare_hallo3_inputs(const cv::Mat& portrait_bgr, const Speech& speech,
                                           int side_px);

// The square around a face box: 2.2 face widths, the face a little above the centre.
cv::Rect square_around_face(const cv::Rect2f& face);

}  // namespace pitchreel
