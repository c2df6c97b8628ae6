// FaceCache: the landmarks found in a portrait, kept on disk, so that the next render with
// the same portrait starts without reading the landmark model (95 MB on disk, ~75 MB in
// memory while a face is found, 0.7-1 s before the first frame) or finding the face again. A shop
// presents its whole catalogue with one or two presenters: after the first video, each one
// starts at once.
//
// Contract:
// - Keyed by the SHA-256 of the picture's pixels (size, type and every row), the model
//   file's path, size and modification time (another model finds other landmarks) and
//   kFormat (raised whenever detection or the file's layout changes).
// - One small JSON file per portrait in folder(): PITCHREEL_CACHE_DIR, else
//   $XDG_CACHE_HOME/pitchreel, else $HOME/.cache/pitchreel; PITCHREEL_CACHE_DIR=off turns
//   it off. Written under a temporary name and renamed, so concurrent writers (workers,
//   nodes sharing the folder) leave one whole file.
// - A cache that does not work (no folder, a folder that cannot be written, a file that does
//   not parse or holds something else) is a miss, logged at debug level, never an error:
//   the landmarks are found again, and stored again when they can be.
// - Only faces that passed detection's checks are stored: a hit is a face detect_face
//   returned before.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "presenter/face_detector.h"

namespace pitchreel {

class FaceCache {
 public:
  static constexpr int kFormat = 1;

  // The cache for landmarks found with the model file `model` (off if it cannot be read).
  explicit FaceCache(const std::filesystem::path& model);

  bool enabled() const { return !folder_.empty(); }
  // The key of `bgr` (CV_8UC3); empty when the cache is off.
  std::string key(const cv::Mat& bgr) const;
  std::optional<FaceLandmarks> find(const std::string& key) const;
  void store(const std::string& key, const FaceLandmarks& face) const;

  // Where the cache lives by the environment (empty: off).
  static std::filesystem::path folder();

 private:
  std::filesystem::path folder_;  // empty: off
  std::string model_identity_;
};

}  // namespace pitchreel
