// Hallo3Engine: the talking head made by a Hallo3 diffusion model on a GPU server, read
// top-down in render():
//   HALLO3_URL usable? -> the face image (the presenter's portrait when the job has one,
//   the product photo otherwise, as the seed sent it) cropped square around its face +
//   narration as WAV (no face: refused before any GPU time) -> backend healthy? ->
//   Hallo3Client (seed or async contract, retries, timeouts, "waiting_for_gpu" progress)
//   -> the MP4 validated -> passed through untouched (job.passthrough), or composed by the
//   CPU (compose_gpu_video): the GPU's frames as the presenter in the job's pip, presenter
//   or split layout, otherwise fitted whole to the frame with captions.
// Consecutive backend failures mark it unhealthy for every job of the process
// (fetch/backend_health.h); /readyz and doctor read the same state via hallo3_health().
// One job at a time per instance (VideoEngine's rule); instances share health state.
#pragma once

#include <memory>

#include "engines/hallo3_settings.h"
#include "engines/video_engine.h"
#include "fetch/backend_health.h"

namespace pitchreel {

class Hallo3Engine final : public VideoEngine {
 public:
  explicit Hallo3Engine(Hallo3Settings settings);
  Result<RenderOutput> render(const RenderJob& job, ProgressSink& progress) override;

 private:
  Hallo3Settings settings_;
  std::shared_ptr<fetch::BackendHealth> health_;
};

// The process-wide health of the Hallo3 backend these settings point at.
std::shared_ptr<fetch::BackendHealth> hallo3_health(const Hallo3Settings& settings);

}  // namespace pitchreel
