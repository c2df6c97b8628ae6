// TtsEngine for OpenAI-compatible speech: POST {OPENAI_TTS_URL}/v1/audio/speech with
// {"model", "input", "voice", "response_format": "mp3", "speed"} and a bearer key, the
// contract OpenAI and many self-hosted neural TTS servers (Kokoro-FastAPI, openedai-speech,
// LocalAI) speak. OPENAI_TTS_URL may be the base ("http://host:8880") or the full endpoint.
// The rate maps to speed (165 wpm = 1.0, clamped to 0.25..4); pitch has no field.
// Errors as HttpTtsEngine. Thread-safe.
#pragma once

#include <memory>

#include "tts/remote_tts.h"
#include "tts/tts_engine.h"

namespace pitchreel {

class OpenAiTtsEngine final : public TtsEngine {
 public:
  explicit OpenAiTtsEngine(RemoteTtsSettings settings);
  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  Result<std::vector<Voice>> voices() override;
  const fetch::BackendInfo& backend() const { return backend_; }

 private:
  RemoteTtsSettings settings_;
  fetch::BackendInfo backend_;
};

// "{base}/v1/audio/speech" unless `url` already ends with "/audio/speech".
std::string openai_speech_endpoint(const std::string& url);

// The engine for `config`, or nullptr when OPENAI_TTS_URL is not set.
std::unique_ptr<TtsEngine> make_openai_tts_engine(const ServiceConfig& config);

}  // namespace pitchreel
