// VoiceRegistry: the TtsEngine the pipeline uses. Voice ids carry their backend
// ("espeak:en-us", "http:en-US-AriaNeural", "openai:alloy"); a plain id ("en-us") is an
// espeak voice, as before remote backends existed. synthesize() hands the script to the
// backend with the prefix stripped; voices() lists every configured backend's voices with
// prefixed ids.
//
// Errors: "voice_not_found" for an unknown prefix or an espeak voice that does not exist;
// "voice_backend_not_configured" (invalid input) for a backend whose URL is not set, naming
// the setting. Thread-safe when the engines are (all of ours are).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "tts/tts_engine.h"

namespace pitchreel {

struct VoiceBackends {
  std::unique_ptr<TtsEngine> espeak;  // always present
  std::unique_ptr<TtsEngine> http;    // when TTS_HTTP_URL is set
  std::unique_ptr<TtsEngine> openai;  // when OPENAI_TTS_URL is set
};

struct VoiceRef {
  std::string backend;  // "espeak", "http" or "openai"
  std::string voice;    // the backend's own id
};

// Splits "backend:voice"; no known prefix means espeak. Never fails.
VoiceRef parse_voice(std::string_view id);

class VoiceRegistry final : public TtsEngine {
 public:
  explicit VoiceRegistry(VoiceBackends backends);
  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  Result<std::vector<Voice>> voices() override;
  // Whether `id` names a voice synthesize() would accept, without synthesising.
  Status check_voice(std::string_view id);

 private:
  Result<TtsEngine*> engine_for(const VoiceRef& ref);
  VoiceBackends backends_;
};

// The registry for a configuration: espeak always, remote backends when their URLs are set.
std::unique_ptr<VoiceRegistry> make_voice_registry(const ServiceConfig& config);

}  // namespace pitchreel
