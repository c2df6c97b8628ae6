#include "engines/hallo3_engine.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "engines/hallo3_client.h"
#include "engines/hallo3_input.h"
#include "engines/hallo3_output.h"

namespace pitchreel {
namespace {

Status write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return fail(Error::invalid("output_not_writable", "Cannot write " + path.string() +
                                                          ". Check the folder is writable."));
  }
  return {};
}

// Removes the downloaded MP4 whatever happens.
struct TempFile {
  std::filesystem::path path;
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

std::shared_ptr<fetch::BackendHealth> hallo3_health(const Hallo3Settings& settings) {
  return fetch::BackendHealth::for_url(
      "The Hallo3 server at " + fetch::display_url(settings.url), settings.url,
      settings.unhealthy_after,
      std::chrono::milliseconds(static_cast<long>(settings.probe_s * 1000)));
}

Hallo3Engine::Hallo3Engine(Hallo3Settings settings)
    : settings_(std::move(settings)), health_(hallo3_health(settings_)) {}

Result<RenderOutput> Hallo3Engine::render(const RenderJob& job, ProgressSink& progress) {
  if (auto s = check_hallo3_url(settings_.url); !s) return fail(s.error());
  const Speech& speech = *job.speech;
  // The GPU animates the presenter's portrait when the job has one (the product photo,
  // as in the seed, otherwise).
  const cv::Mat& face_image = job.presenter ? job.presenter->portrait : job.product;
  auto inputs = prepare_hallo3_inputs(face_image, speech, settings_.image_px);
  if (!inputs) return fail(inputs.error());
  if (auto s = health_->admit("gpu"); !s) return fail(s.error());

  Hallo3Client client(settings_);
  auto answer = client.generate(*inputs, progress);
  if (!answer) {
    health_->record_failure(answer.error());
    return fail(answer.error());
  }
  spdlog::info("GPU video received bytes={} gpu_s={:.1f}", answer->mp4.size(),
               progress.gpu_seconds());
  TempFile downloaded{std::filesystem::path(job.video_path).concat(".gpu.mp4")};
  if (auto s = write_bytes(downloaded.path, answer->mp4); !s) return fail(s.error());
  auto info = validate_gpu_video(downloaded.path, speech.duration());
  if (!info) {
    health_->record_failure(info.error());
    return fail(info.error());
  }
  health_->record_success();

  RenderOutput output;
  if (job.passthrough) {
    if (auto s = pass_through_gpu_video(downloaded.path, job.video_path, job.poster_path); !s) {
      return fail(s.error());
    }
    output.frames = info->video_frames;
    output.duration = info->video_duration;
    return output;
  }
  return compose_gpu_video(job, downloaded.path, *inputs, progress);
}

}  // namespace pitchreel
