// What the remote TTS engines share: their settings, and turning the audio a speech
// service answered into Speech (decoded in-process, word timings recovered from the audio
// and the script: forced alignment, sphinx_alignment.h, or where that cannot be used the
// energy aligner, audio_alignment.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "fetch/backend_call.h"
#include "tts/speech.h"

namespace pitchreel {

struct RemoteTtsSettings {
  std::string url;                  // the seed's endpoint itself, or the OpenAI-compatible base URL
  std::string api_key;              // sent as "Authorization: Bearer"; empty = none
  std::string model;                // OpenAI-compatible only ("tts-1")
  std::vector<std::string> voices;  // what `voices` lists (services rarely list their own)
  int connect_timeout_s = 10;
  int timeout_s = 60;
  fetch::RetryPolicy retry;
};

// Checks the content type (audio/*, or application/octet-stream) and decodes MP3, WAV, Opus
// or AAC. "tts_bad_output" (unavailable) when the answer is not audio of speech.
Result<Speech> speech_from_audio(const fetch::BackendInfo& backend,
                                 const fetch::CallResponse& response, std::string_view script);

// Sends `request` (method, URL, body and content type filled in by the engine) with the
// settings' key, timeouts, size cap and retry policy, and turns the answer into Speech.
Result<Speech> request_speech(const fetch::BackendInfo& backend, const RemoteTtsSettings& settings,
                              fetch::CallRequest request, std::string_view script);

// The settings of a remote backend from the service configuration (shared timeouts and
// retry policy; `voices` is a comma-separated list).
RemoteTtsSettings remote_settings(const ServiceConfig& config, const std::string& url,
                                  const std::string& key, const std::string& voices);

// Non-empty script, options in range.
Status check_remote_request(std::string_view script, const SpeechOptions& options);

}  // namespace pitchreel
