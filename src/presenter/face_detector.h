// FaceDetector: finds the presenter's face and its 68 landmarks in a portrait.
//
// Contract:
// - Uses dlib's HOG frontal face detector and the 68-point shape predictor shipped by
//   libdlib-data (/usr/share/dlib/shape_predictor_68_face_landmarks.dat; PITCHREEL_FACE_MODEL
//   names another 68-point .dat file). The models are loaded only when a face is to be found
//   (not for a portrait the face cache knows), shared by the calls that run meanwhile, and
//   released when the last of them returns: ~75 MB that a render does not need through its
//   frames once its face is found. A FaceModelsHold keeps them loaded across calls. A
//   missing or unreadable model is ErrorKind::kUnavailable, "face_model_missing" /
//   "face_model_invalid".
// - Runs once per portrait, on a downscaled copy of large images; coordinates are returned
//   in the input image's pixels.
// - Several faces: the largest wins. No face, a face too small, or landmarks that make no
//   sense give an invalid-input Error with a stable code ("no_face_found", "face_too_small",
//   "face_not_frontal") and a sentence saying what kind of portrait works.
// - Safe to call from several threads.
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include "core/status.h"

namespace pitchreel {

struct FaceLandmarks {
  cv::Rect2f face;  // the detector's box, in input pixels
  std::array<cv::Point2f, 68>
      points;  // iBUG 300-W order (jaw 0-16, brows, nose, eyes, mouth 48-67)
};

// `bgr` is CV_8UC3. The error names `source_name` (a file name) when one is given. What it
// found in a picture is kept in the face cache (face_cache.h) and answered from there the
// next time, in this process or another, without loading the model.
Result<FaceLandmarks> detect_face(const cv::Mat& bgr, std::string_view source_name = {});

// Keeps the face models loaded while it lives, for a caller that finds faces in many
// pictures in a row (each detect_face or landmarks_in_box call that needs the models
// otherwise loads them, 0.7-1 s, when nothing else holds them).
class FaceModelsHold {
 public:
  // The models' errors ("face_model_missing", "face_model_invalid") when they cannot load.
  static Result<FaceModelsHold> acquire();

 private:
  std::shared_ptr<const void> models_;
};

// Whether the models are in memory now (something holds them).
bool face_models_loaded();

// The landmark model's file: PITCHREEL_FACE_MODEL, else libdlib-data's.
std::filesystem::path face_model_path();

// Only the landmark step, for a face whose box is already known (e.g. the same face in
// the next video frame): about 4 ms instead of 40. No sanity checks; errors are the
// model's ("face_model_missing", ...) and "image_unreadable".
Result<FaceLandmarks> landmarks_in_box(const cv::Mat& bgr, cv::Rect2f face);

// The same face in a picture scaled by `scale` (per axis) and then moved by `offset`:
// every point p becomes p * scale + offset, and so does the box.
FaceLandmarks transformed(const FaceLandmarks& face, cv::Point2d scale, cv::Point2d offset);

}  // namespace pitchreel
