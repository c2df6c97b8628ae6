#include "presenter/face_detector.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <opencv2/imgproc.hpp>

#include "presenter/face_cache.h"

namespace pitchreel {
namespace {

constexpr const char* kDefaultModel = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
// HOG detection runs on a copy whose longer side is at most this (dlib's window is 80 px,
// so a face must cover about an eighth of the portrait's longer side to be found).
constexpr int kDetectSide = 640;
// Below this width (input pixels) a face has too few pixels for a convincing mouth.
constexpr float kMinFaceWidth = 96.0f;

constexpr const char* kWhatWorks =
    "Use a portrait where one face looks at the camera, both eyes visible, the face at "
    "least a fifth of the picture's width";

// The models, loaded when a face is to be found and shared by whoever finds one meanwhile;
// released with the last holder (the landmark model is ~75 MB in memory, which a render
// does not need once its face is found). The detector is not safe to call concurrently, the
// shape predictor is (its operator() is const and keeps no state).
struct FaceModels {
  dlib::frontal_face_detector detector;
  dlib::shape_predictor predictor;
  std::mutex detector_mutex;
};

Result<std::shared_ptr<FaceModels>> load_face_models() {
  const auto path = face_model_path();
  const auto started = std::chrono::steady_clock::now();
  try {
    if (!std::filesystem::is_regular_file(path)) {
      return fail(Error::unavailable(
          "face_model_missing",
          fmt::format("The face landmark model {} is missing. Install the Debian package "
                      "libdlib-data (or set PITCHREEL_FACE_MODEL to the .dat file).",
                      path.string())));
    }
    // Released, the models' ~75 MB go back to the system at once: they are freed in the
    // loading thread's malloc arena, which glibc trims from its top only, so a small block
    // allocated above them meanwhile (the threads that reuse the arena are timing's choice)
    // kept up to 20 MB of them resident through a whole render (pip, 1080p: 310 MB against
    // 290-293 in the others: two runs of eight).
    std::shared_ptr<FaceModels> models(new FaceModels, [](FaceModels* released) {
      delete released;
      malloc_trim(0);
    });
    models->detector = dlib::get_frontal_face_detector();
    dlib::deserialize(path.string()) >> models->predictor;
    if (models->predictor.num_parts() != 68) {
      return fail(Error::unavailable(
          "face_model_invalid",
          fmt::format("The face landmark model {} is not a 68-point model. Install the Debian "
                      "package libdlib-data.",
                      path.string())));
    }
    spdlog::info("face model loaded path={} ms={}", path.string(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
    return models;
  } catch (const std::exception& e) {
    spdlog::error("face model load failed path={} what={}", path.string(), e.what());
    return fail(Error::unavailable(
        "face_model_invalid",
        fmt::format("The face landmark model {} cannot be read. Reinstall the Debian package "
                    "libdlib-data.",
                    path.string())));
  }
}

// The models while someone holds them (guarded by the mutex, which also makes one load at a
// time: callers that arrive during a load wait for it and share it).
struct SharedModels {
  std::mutex mutex;
  std::weak_ptr<FaceModels> models;
};

SharedModels& shared_models() {
  static SharedModels shared;
  return shared;
}

Result<std::shared_ptr<FaceModels>> face_models() {
  SharedModels& shared = shared_models();
  std::lock_guard lock(shared.mutex);
  if (auto alive = shared.models.lock()) return alive;
  auto loaded = load_face_models();
  if (loaded) shared.models = *loaded;
  return loaded;
}

std::string named(std::string_view source_name) {
  return source_name.empty() ? std::string("the portrait") : std::string(source_name);
}

float distance(cv::Point2f a, cv::Point2f b) { return static_cast<float>(cv::norm(a - b)); }

cv::Point2f mean_of(const std::array<cv::Point2f, 68>& p, int first, int last) {
  cv::Point2f sum{0, 0};
  for (int i = first; i <= last; ++i) sum += p[static_cast<std::size_t>(i)];
  return sum / static_cast<float>(last - first + 1);
}

// Landmarks that a frontal, upright face has: eyes above the nose above the mouth, the
// left eye on the left, the nose roughly between the jaw's two sides, points near the box.
bool landmarks_make_sense(const FaceLandmarks& f) {
  const auto& p = f.points;
  const cv::Point2f left_eye = mean_of(p, 36, 41);
  const cv::Point2f right_eye = mean_of(p, 42, 47);
  const cv::Point2f nose = p[30];
  const cv::Point2f mouth = mean_of(p, 48, 59);
  const float eye_gap = distance(left_eye, right_eye);
  if (eye_gap < 0.15f * f.face.width) return false;
  if (!(left_eye.x < right_eye.x)) return false;
  const float eye_y = (left_eye.y + right_eye.y) / 2;
  if (!(eye_y < nose.y && nose.y < mouth.y)) return false;
  // Turned head: the nose tip sits much closer to one side of the jaw than the other.
  const float to_left = distance(nose, p[0]);
  const float to_right = distance(nose, p[16]);
  const float turn = std::max(to_left, to_right) / std::max(1e-3f, std::min(to_left, to_right));
  if (turn > 2.5f) return false;
  // Tilted head (more than about 35 degrees of roll).
  const float roll = std::atan2(right_eye.y - left_eye.y, right_eye.x - left_eye.x);
  if (std::abs(roll) > 0.6f) return false;
  const cv::Rect2f slack(f.face.x - f.face.width * 0.5f, f.face.y - f.face.height * 0.5f,
                         f.face.width * 2.0f, f.face.height * 2.0f);
  return std::all_of(p.begin(), p.end(), [&](cv::Point2f q) { return slack.contains(q); });
}

// The predictor on the full-resolution picture: it reads single pixels, so the cost does
// not grow with the image, and the points are sharper than on the downscaled copy.
FaceLandmarks predict(const FaceModels& models, const cv::Mat& gray, cv::Rect2f face) {
  const dlib::cv_image<unsigned char> full(gray);
  const dlib::rectangle box(std::lround(face.x), std::lround(face.y),
                            std::lround(face.x + face.width), std::lround(face.y + face.height));
  const dlib::full_object_detection shape = models.predictor(full, box);
  FaceLandmarks out;
  out.face = face;
  for (unsigned long i = 0; i < 68; ++i) {
    out.points[i] =
        cv::Point2f(static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y()));
  }
  return out;
}

}  // namespace

namespace {
// detect_face without the cache.
Result<FaceLandmarks> find_face(const cv::Mat& bgr, std::string_view source_name);
}  // namespace

Result<FaceLandmarks> landmarks_in_box(const cv::Mat& bgr, cv::Rect2f face) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return fail(Error::invalid("image_unreadable", "The picture is empty or not a colour image."));
  }
  auto models = face_models();
  if (!models) return fail(models.error());
  try {
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    return predict(**models, gray, face);
  } catch (const std::exception& e) {
    spdlog::error("landmarks failed what={}", e.what());
    return fail(Error::internal("face_detection_failed", "Face landmarks failed."));
  }
}

Result<FaceLandmarks> detect_face(const cv::Mat& bgr, std::string_view source_name) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return fail(Error::invalid(
        "image_unreadable",
        fmt::format("{} is empty or not a colour image. {}.", named(source_name), kWhatWorks)));
  }
  const FaceCache cache(face_model_path());
  const std::string key = cache.key(bgr);
  if (auto cached = cache.find(key)) {
    spdlog::debug("face landmarks from cache source={} key={}", named(source_name), key);
    return *cached;
  }
  auto found = find_face(bgr, source_name);
  if (found) cache.store(key, *found);
  return found;
}

namespace {

Result<FaceLandmarks> find_face(const cv::Mat& bgr, std::string_view source_name) {
  auto models = face_models();
  if (!models) return fail(models.error());
  try {
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    const double scale =
        std::min(1.0, static_cast<double>(kDetectSide) / std::max(gray.cols, gray.rows));
    cv::Mat small = gray;
    if (scale < 1.0) cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);

    std::vector<dlib::rectangle> boxes;
    bool upsampled = false;
    {
      const dlib::cv_image<unsigned char> view(small);
      std::lock_guard lock((*models)->detector_mutex);
      boxes = (*models)->detector(view);
      if (boxes.empty()) {
        // A second, slower look at twice the size only tells "too small" from "none".
        dlib::array2d<unsigned char> up;
        dlib::assign_image(up, view);
        dlib::pyramid_up(up);
        boxes = (*models)->detector(up);
        for (auto& b : boxes) b = dlib::scale_rect(b, 0.5);
        upsampled = true;
      }
    }
    if (boxes.empty()) {
      return fail(Error::invalid(
          "no_face_found",
          fmt::format("No face was found in {}. {} (a photo, painting, sketch or 3D render "
                      "all work).",
                      named(source_name), kWhatWorks)));
    }
    const auto largest =
        *std::max_element(boxes.begin(), boxes.end(),
                          [](const auto& a, const auto& b) { return a.area() < b.area(); });
    const float inv = static_cast<float>(1.0 / scale);
    FaceLandmarks out;
    out.face = cv::Rect2f(
        static_cast<float>(largest.left()) * inv, static_cast<float>(largest.top()) * inv,
        static_cast<float>(largest.width()) * inv, static_cast<float>(largest.height()) * inv);
    if (upsampled || out.face.width < kMinFaceWidth) {
      return fail(Error::invalid(
          "face_too_small",
          fmt::format("The face in {} is only about {} pixels wide; it needs at least {}. {}.",
                      named(source_name), static_cast<int>(std::lround(out.face.width)),
                      static_cast<int>(kMinFaceWidth), kWhatWorks)));
    }
    out = predict(**models, gray, out.face);
    if (!landmarks_make_sense(out)) {
      return fail(
          Error::invalid("face_not_frontal",
                         fmt::format("The face in {} is turned or tilted too far to animate. {}.",
                                     named(source_name), kWhatWorks)));
    }
    return out;
  } catch (const std::exception& e) {
    spdlog::error("face detection failed source={} what={}", named(source_name), e.what());
    return fail(Error::internal("face_detection_failed",
                                fmt::format("Face detection failed on {}.", named(source_name))));
  }
}

}  // namespace

Result<FaceModelsHold> FaceModelsHold::acquire() {
  auto models = face_models();
  if (!models) return fail(models.error());
  FaceModelsHold hold;
  hold.models_ = std::move(*models);
  return hold;
}

bool face_models_loaded() {
  SharedModels& shared = shared_models();
  std::lock_guard lock(shared.mutex);
  return !shared.models.expired();
}

std::filesystem::path face_model_path() {
  if (const char* env = std::getenv("PITCHREEL_FACE_MODEL"); env && *env) return env;
  return kDefaultModel;
}

FaceLandmarks transformed(const FaceLandmarks& face, cv::Point2d scale, cv::Point2d offset) {
  const auto at = [&](cv::Point2f p) {
    return cv::Point2f(static_cast<float>(p.x * scale.x + offset.x),
                       static_cast<float>(p.y * scale.y + offset.y));
  };
  FaceLandmarks out;
  out.face = cv::Rect2f(at(face.face.tl()), at(face.face.br()));
  for (std::size_t i = 0; i < out.points.size(); ++i) out.points[i] = at(face.points[i]);
  return out;
}

}  // namespace pitchreel
