#include "support/hallo3_servers.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "engines/base64.h"
#include "media/audio_decode.h"
#include "media/color_convert.h"
#include "media/encoder.h"
#include "media/image.h"
#include "presenter/face_detector.h"
#include "support/test_support.h"

namespace pitchreel::testing {
namespace {

void reject(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Hallo3ContractServer::Hallo3ContractServer(Protocol protocol, std::string api_key)
    : protocol_(protocol), api_key_(std::move(api_key)) {
  auto& http = server_.http();
  const auto authorized = [this](const httplib::Request& req, httplib::Response& res) {
    if (api_key_.empty() || req.get_header_value("Authorization") == "Bearer " + api_key_)
      return true;
    reject(res, 401, "Unauthorized");
    return false;
  };
  if (protocol_ == Protocol::kSeed) {
    http.Post("/generate", [this](const httplib::Request& req, httplib::Response& res) {
      const Fault fault = faults_.next();
      if (apply_simple_fault(fault, res, stopping_)) return;
      if (!req.has_file("image") || !req.has_file("audio")) {
        return reject(res, 400, "multipart fields image and audio are required");
      }
      std::vector<std::uint8_t> mp4;
      if (auto why =
              render(req.get_file_value("image").content, req.get_file_value("audio").content, mp4);
          !why.empty()) {
        return reject(res, 400, why);
      }
      corrupt(fault, mp4);
      res.set_content(std::string(mp4.begin(), mp4.end()), "video/mp4");
    });
    started_ = server_.start();
    return;
  }
  http.Post("/run", [this, authorized](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    const Fault fault = faults_.next();
    if (fault != Fault::kStatus500 && apply_simple_fault(fault, res, stopping_)) return;
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("input") || !body["input"].is_object() ||
        !body["input"].contains("image") || !body["input"].contains("audio")) {
      return reject(res, 400, "input.image and input.audio are required");
    }
    const auto image = base64_decode(body["input"]["image"].get<std::string>());
    const auto audio = base64_decode(body["input"]["audio"].get<std::string>());
    if (!image || !audio) return reject(res, 400, "input.image and input.audio must be base64");
    Job job;
    if (fault == Fault::kStatus500) {
      job.error = "CUDA out of memory. Tried to allocate 2.00 GiB";
    } else {
      std::vector<std::uint8_t> mp4;
      if (auto why = render(std::string(image->begin(), image->end()),
                            std::string(audio->begin(), audio->end()), mp4);
          !why.empty()) {
        return reject(res, 400, why);
      }
      corrupt(fault, mp4);
      job.video = std::move(mp4);
    }
    std::lock_guard lock(mutex_);
    const std::string id = "job-" + std::to_string(next_id_++);
    jobs_[id] = std::move(job);
    res.set_content(nlohmann::json{{"id", id}, {"status", "IN_QUEUE"}}.dump(), "application/json");
  });
  http.Get(R"(/status/([\w-]+))", [this, authorized](const httplib::Request& req,
                                                     httplib::Response& res) {
    if (!authorized(req, res)) return;
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(req.matches[1]);
    if (it == jobs_.end()) return reject(res, 404, "no such job");
    Job& job = it->second;
    // Queued, then running, then done: a client must poll more than once.
    ++job.polls;
    if (job.status != "CANCELLED") {
      job.status = job.polls == 1 ? "IN_PROGRESS" : job.error.empty() ? "COMPLETED" : "FAILED";
    }
    nlohmann::json answer = {{"id", req.matches[1]}, {"status", job.status}};
    if (job.status == "FAILED") answer["error"] = job.error;
    if (job.status == "COMPLETED") {
      if (answer_with_url_) {
        answer["output"] = {
            {"video_url", server_.url() + "/result/" + std::string(req.matches[1]) + ".mp4"}};
      } else {
        answer["output"] = {{"video", base64_encode(job.video)}};
      }
    }
    res.set_content(answer.dump(), "application/json");
  });
  http.Get(R"(/result/([\w-]+)\.mp4)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(req.matches[1]);
    if (it == jobs_.end()) return reject(res, 404, "no such result");
    res.set_content(std::string(it->second.video.begin(), it->second.video.end()), "video/mp4");
  });
  http.Post(R"(/cancel/([\w-]+))", [this, authorized](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (!authorized(req, res)) return;
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(req.matches[1]);
    if (it == jobs_.end()) return reject(res, 404, "no such job");
    it->second.status = "CANCELLED";
    ++cancels_;
    res.set_content(nlohmann::json{{"id", req.matches[1]}, {"status", "CANCELLED"}}.dump(),
                    "application/json");
  });
  started_ = server_.start();
}

Hallo3ContractServer::~Hallo3ContractServer() {
  stopping_ = true;
  server_.stop();
}

std::string Hallo3ContractServer::last_audio_codec() const {
  std::lock_guard lock(mutex_);
  return last_audio_codec_;
}

std::vector<std::uint8_t> Hallo3ContractServer::last_video() const {
  std::lock_guard lock(mutex_);
  return last_video_;
}

std::string Hallo3ContractServer::render(const std::string& image_bytes,
                                         const std::string& audio_bytes,
                                         std::vector<std::uint8_t>& mp4) {
  if (audio_bytes.size() < 12 || audio_bytes.compare(0, 4, "RIFF") != 0 ||
      audio_bytes.compare(8, 4, "WAVE") != 0) {
    return "audio must be a WAV file";
  }
  auto audio = decode_audio(bytes_of(audio_bytes), "audio");
  if (!audio) return "audio does not decode: " + audio.error().message;
  auto image = load_image(bytes_of(image_bytes), "image");
  if (!image) return "image does not decode: " + image.error().message;
  if (image->cols != image->rows) return "image must be square (1:1)";
  if (auto face = detect_face(*image, "image"); !face)
    return "no face in the image: " + face.error().message;

  // The "generated" video: the portrait, brightened with the audio's loudness, 25 fps.
  constexpr int kFps = 25;
  const cv::Size size(image->cols & ~1, image->rows & ~1);
  const auto frames = static_cast<std::int64_t>(std::ceil(audio->duration() * kFps));
  TempDir dir;
  const auto path = dir / "answer.mp4";
  EncoderSettings settings;
  settings.size = size;
  settings.fps = kFps;
  settings.preset = "ultrafast";
  auto encoder = Encoder::open(path, settings, AudioTrack{audio->samples, audio->sample_rate, 0});
  if (!encoder) return "encoder: " + encoder.error().message;
  const cv::Mat base = (*image)(cv::Rect(0, 0, size.width, size.height));
  cv::Mat frame;
  for (std::int64_t i = 0; i < frames; ++i) {
    const auto from = static_cast<std::size_t>(double(i) / kFps * audio->sample_rate);
    const auto to =
        std::min(audio->samples.size(), from + static_cast<std::size_t>(audio->sample_rate / kFps));
    double energy = 0;
    for (std::size_t k = from; k < to; ++k) energy += std::abs(audio->samples[k]);
    energy /= double(std::max<std::size_t>(1, to - from));
    base.convertTo(frame, -1, 1.0, std::min(60.0, energy * 400));
    auto yuv = bgr_to_yuv420(frame);
    if (!yuv || !(*encoder)->add_frame(*yuv)) return "encoder failed";
  }
  if (!(*encoder)->finish()) return "encoder failed";
  mp4.clear();
  const std::string bytes = read_file(path);
  mp4.assign(bytes.begin(), bytes.end());
  last_image_side_ = image->cols;
  ++generations_;
  std::lock_guard lock(mutex_);
  last_audio_codec_ = audio->codec;
  last_video_ = mp4;
  return {};
}

void Hallo3ContractServer::corrupt(Fault fault, std::vector<std::uint8_t>& mp4) const {
  if (fault == Fault::kTruncated) {
    mp4.resize(mp4.size() / 3);
  } else if (fault == Fault::kGarbage) {
    const std::string text = "<html><body>Internal error</body></html>";
    mp4.assign(text.begin(), text.end());
  }
}

}  // namespace pitchreel::testing
