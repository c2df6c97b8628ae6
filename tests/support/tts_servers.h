// TtsContractServer: a speech service on 127.0.0.1 speaking both remote TTS contracts,
// answering real speech (espeak-ng, the same text) encoded as real MP3 (libmp3lame):
//   POST /tts               the seed's JSON endpoint: {"text", "voice"} -> audio/mpeg
//   POST /v1/audio/speech   OpenAI-compatible: {"model", "input", "voice",
//                           "response_format" (mp3|wav|opus|aac), "speed" (0.25..4)}
// Requests that break the contract get 400 with a JSON error; a wrong bearer key 401.
// Scripted faults (loopback_server.h) apply to the next requests.
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "support/audio_encode.h"
#include "support/loopback_server.h"
#include "tts/speech.h"

namespace pitchreel::testing {

class TtsContractServer {
 public:
  TtsContractServer();
  ~TtsContractServer();

  bool ok() const { return started_; }
  std::string seed_url() const { return server_.url() + "/tts"; }
  std::string base_url() const { return server_.url(); }
  FaultScript& faults() { return faults_; }
  // Only requests with "Authorization: Bearer <key>" are served (none required when empty).
  void require_key(std::string key);
  void set_format(AudioFormat format) { format_ = format; }

  nlohmann::json last_request() const;
  // The speech behind the last answer, with espeak-ng's own (true) word timings.
  Speech last_speech() const;

 private:
  void serve(const httplib::Request& req, httplib::Response& res, bool openai);

  LoopbackServer server_;
  FaultScript faults_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  AudioFormat format_ = AudioFormat::kMp3;
  mutable std::mutex mutex_;
  std::string key_;
  nlohmann::json last_request_;
  Speech last_speech_;
};

}  // namespace pitchreel::testing
