// The one place voice backends are registered. A backend is a voice id prefix
// ("edge" in "edge:en-US-AriaNeural") and a factory that builds its TtsEngine from the
// configuration, or nothing when the configuration leaves it off. Adding a backend means
// writing its engine in its own files and adding one line to voice_backends().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "tts/tts_engine.h"

namespace pitchreel {

struct VoiceBackend {
  std::string prefix;   // what comes before ':' in a voice id
  std::string setting;  // the setting that turns it on, for messages; empty = always on
  // The engine, or nullptr when `config` does not enable the backend.
  std::function<std::unique_ptr<TtsEngine>(const ServiceConfig&)> make;
  // Whether voice ids need checking against voices() (an offline engine knows its voices
  // exactly; a service answers for its own and check_voice() only checks the form).
  bool list_is_exact = false;
};

// In order of listing; the first is the backend of ids without a prefix.
const std::vector<VoiceBackend>& voice_backends();

}  // namespace pitchreel
