// TtsEngine on the espeak-ng library, in-process and offline: the embedded default.
// Robotic but fast, ~100 languages, and it reports word and phoneme timings itself.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "tts/tts_engine.h"

namespace pitchreel {

// Stateless apart from espeak-ng's own process-wide state (see espeak_library.h), so any
// number of instances may exist and be used from any thread.
class EspeakEngine final : public TtsEngine {
 public:
  Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) override;
  Result<std::vector<Voice>> voices() override;
};

std::unique_ptr<TtsEngine> make_espeak_engine();

}  // namespace pitchreel
