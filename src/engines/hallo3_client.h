// Hallo3Client: sends prepared inputs to a Hallo3 GPU server and brings back its MP4, in
// either contract:
// - seed:  POST {url}/generate, multipart "image" (PNG) and "audio" (WAV); the answer is the
//          MP4 itself (video/mp4 or application/octet-stream).
// - async: POST {url}/run with {"input": {"image": b64, "audio": b64, "image_format": "png",
//          "audio_format": "wav"}} and "Authorization: Bearer HALLO3_API_KEY", answered
//          {"id", "status"}; then GET {url}/status/{id} every HALLO3_POLL_S until "status" is
//          COMPLETED ("output": {"video": b64} or {"video_url": URL}), FAILED, CANCELLED or
//          TIMED_OUT (RunPod's serverless API). A job given up on (timeout, cancel) is
//          cancelled with POST {url}/cancel/{id}.
// Each HTTP call retries what is worth retrying (fetch/backend_call.h). The whole job has
// HALLO3_TIMEOUT_S; meanwhile progress shows stage "waiting_for_gpu" with the fraction of
// the timeout used, and the log says the elapsed time every 15 s. The wall time of the
// whole call, answered or failed, is added to progress.add_gpu_seconds().
// Errors: backend_failure.h codes with prefix "gpu", "gpu_bad_output" (not a video, bad
// JSON), "gpu_job_failed" (the server says the job failed; its message included),
// "canceled". One call at a time per client; clients are cheap.
#pragma once

#include <cstdint>
#include <vector>

#include "core/progress.h"
#include "engines/hallo3_input.h"
#include "engines/hallo3_settings.h"

namespace pitchreel {

struct Hallo3Answer {
  std::vector<std::uint8_t> mp4;
};

class Hallo3Client {
 public:
  explicit Hallo3Client(Hallo3Settings settings);
  Result<Hallo3Answer> generate(const Hallo3Inputs& inputs, ProgressSink& progress);

 private:
  Result<Hallo3Answer> generate_seed(const Hallo3Inputs& inputs, ProgressSink& progress);
  Result<Hallo3Answer> generate_async(const Hallo3Inputs& inputs, ProgressSink& progress);
  fetch::CallRequest request(std::string method, std::string path) const;
  void cancel_remote(const std::string& id) const;

  Hallo3Settings settings_;
  fetch::BackendInfo backend_;
};

}  // namespace pitchreel
