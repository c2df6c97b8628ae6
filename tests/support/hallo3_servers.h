// Hallo3ContractServer: a Hallo3 GPU server on 127.0.0.1 speaking one of the two contracts
// faithfully, minus the diffusion model:
//   seed:  POST /generate, multipart "image" + "audio" -> video/mp4
//   async: POST /run {"input": {"image": b64, "audio": b64}} (bearer key) -> {"id", "status"};
//          GET /status/{id} -> IN_QUEUE, IN_PROGRESS, then COMPLETED with output.video (b64)
//          or output.video_url; POST /cancel/{id}.
// Like the real server it refuses what Hallo3 cannot use (400): audio that is not WAV, an
// image that is not square or has no face (detect_face). It answers a real MP4 built from
// the inputs with the project's encoder: the portrait, brightened with the audio's loudness
// frame by frame, and the audio itself, lasting as long as the audio.
// Scripted faults apply to /generate and /run; kTruncated and kGarbage corrupt the video,
// kStatus500 on /run makes the job end FAILED ("CUDA out of memory") in async mode.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_server.h"

namespace pitchreel::testing {

class Hallo3ContractServer {
 public:
  enum class Protocol { kSeed, kAsync };
  explicit Hallo3ContractServer(Protocol protocol, std::string api_key = {});
  ~Hallo3ContractServer();

  bool ok() const { return started_; }
  std::string url() const { return server_.url(); }
  FaultScript& faults() { return faults_; }
  void answer_with_url(bool yes) { answer_with_url_ = yes; }

  // What the last accepted request carried, as the server saw it.
  int last_image_side() const { return last_image_side_; }
  std::string last_audio_codec() const;
  std::vector<std::uint8_t> last_video() const;  // the MP4 it answered
  int generations() const { return generations_; }
  int cancels() const { return cancels_; }

 private:
  struct Job {
    std::string status = "IN_QUEUE";
    std::vector<std::uint8_t> video;
    std::string error;
    int polls = 0;
  };
  // Checks the inputs and renders the answer; an error message for a 400 otherwise.
  std::string render(const std::string& image, const std::string& audio,
                     std::vector<std::uint8_t>& mp4);
  void corrupt(Fault fault, std::vector<std::uint8_t>& mp4) const;

  Protocol protocol_;
  std::string api_key_;
  LoopbackServer server_;
  FaultScript faults_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::atomic<bool> answer_with_url_{false};
  mutable std::mutex mutex_;
  std::map<std::string, Job> jobs_;
  int next_id_ = 1;
  std::atomic<int> last_image_side_{0};
  std::string last_audio_codec_;
  std::vector<std::uint8_t> last_video_;
  std::atomic<int> generations_{0};
  std::atomic<int> cancels_{0};
};

}  // namespace pitchreel::testing
