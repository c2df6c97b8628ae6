// TtsEngine for the seed's JSON speech endpoint: POST {TTS_HTTP_URL} with
// {"text": ..., "voice": ...}, answered with audio (audio/mpeg in the seed; WAV, Opus or
// AAC are decoded too). Word timings are recovered from the audio (remote_tts.h).
//
// The voice in SpeechOptions is the service's own id ("en-US-AriaNeural", without the
// "http:" prefix, which VoiceRegistry strips). Rate and pitch are checked but the seed's
// contract has no field for them. Errors: backend_failure.h codes with prefix "tts",
// "tts_bad_output", plus the TtsEngine contract's. Thread-safe.
#pragma once

#include <memory>

#include "tts/remote_tts.h"
#include "tts/tts_engine.h"

namespace pitchreel {

class HttpTtsEngine final : public TtsEngine {
 public:
  explicit HttpTtsEngine(RemoteTtsSettings settings);
  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  Result<std::vector<Voice>> voices() override;
  const fetch::BackendInfo& backend() const { return backend_; }

 private:
  RemoteTtsSettings settings_;
  fetch::BackendInfo backend_;
};

// The engine for `config`, or nullptr when TTS_HTTP_URL is not set.
std::unique_ptr<TtsEngine> make_http_tts_engine(const ServiceConfig& config);

}  // namespace pitchreel
