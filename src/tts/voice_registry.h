// VoiceRegistry: the TtsEngine the pipeline uses. Voice ids carry their backend
// ("espeak:en-us", "edge:en-US-AriaNeural", "http:...", "openai:alloy"); a plain id
// ("en-us") is an espeak voice, as before remote backends existed. The backends are the
// ones registered in voice_backends.h that the configuration enables. synthesize() hands
// the script to the backend with the prefix stripped; voices() lists every enabled
// backend's voices with prefixed ids.
//
// Fallback: with PITCHREEL_TTS_FALLBACK=espeak, a remote voice that fails with an
// "unavailable" error is replaced by the offline voice of the same language, and the
// Speech carries a warning that says so.
//
// Errors: "voice_not_found" for an unknown prefix or an espeak voice that does not exist;
// "voice_backend_not_configured" (invalid input) for a backend the configuration leaves
// off, naming the setting. Thread-safe when the engines are (all of ours are).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"
#include "tts/tts_engine.h"

namespace pitchreel {

struct VoiceRef {
  std::string backend;  // a registered prefix: "espeak", "edge", "http", "openai"
  std::string voice;    // the backend's own id
};

// Splits "backend:voice"; no registered prefix means the default backend (espeak).
VoiceRef parse_voice(std::string_view id);

// The locale a voice id names, when it names one ("edge:de-DE-KatjaNeural" -> "de-DE",
// "espeak:pt-br" -> "pt-br"); empty otherwise.
std::string voice_locale(std::string_view id);

// Whether `v` speaks `wanted`: its language ("zh" for espeak's Mandarin voice "cmn") or a
// prefix of its locale ("en-GB" for "en-GB-SoniaNeural"), case-insensitively.
bool speaks_language(const Voice& v, std::string_view wanted);

class VoiceRegistry final : public TtsEngine {
 public:
  struct Engine {
    std::string prefix;
    std::unique_ptr<TtsEngine> engine;
  };
  // `engines` in listing order; the first serves ids without a prefix and the fallback.
  VoiceRegistry(std::vector<Engine> engines, std::string fallback,
                std::string default_voice = "en-us");

  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  Result<std::vector<Voice>> voices() override;
  std::string voices_note() override;
  // The configured default voice when it speaks `language` (or the language is unknown);
  // else a voice of that language from the default voice's backend (Edge when the operator
  // chose an Edge default), else from the offline backend; else the default voice.
  std::string default_voice(std::string_view language) override;
  // Whether `id` names a voice synthesize() would accept, without synthesising.
  Status check_voice(std::string_view id);
  // Whether a backend is enabled.
  bool has_backend(std::string_view prefix) const;
  // The best voice of a backend for a language ("de") or locale ("pt-BR"), preferring
  // `gender` when given; empty when the backend has none.
  std::string voice_for_language(std::string_view prefix, std::string_view language,
                                 std::string_view gender = "");

 private:
  Result<TtsEngine*> engine_for(const VoiceRef& ref);
  std::vector<Engine> engines_;
  std::string fallback_;
  std::string default_voice_;
};

// The registry for a configuration: every registered backend the configuration enables.
std::unique_ptr<VoiceRegistry> make_voice_registry(const ServiceConfig& config);

}  // namespace pitchreel
