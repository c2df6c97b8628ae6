// TtsEngine: turns a plain-text script into speech with word and phoneme timings.
//
// Contract:
// - `script` is plain UTF-8 text that has been through normalize_script(); engines
//   never interpret markup, SSML or engine-specific commands in it.
// - synthesize() returns non-empty audio, or an Error: "voice_not_found" (invalid input)
//   for an unknown voice, "invalid_speech_options" for out-of-range rate/pitch,
//   "tts_failed" (internal) when the engine itself fails.
// - Implementations are safe to call from several threads (they serialise internally
//   where the underlying library is not re-entrant).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tts/speech.h"

namespace pitchreel {

class TtsEngine {
 public:
  virtual ~TtsEngine() = default;
  virtual Result<Speech> synthesize(std::string_view script, const SpeechOptions& options) = 0;
  virtual Result<std::vector<Voice>> voices() = 0;
  // A sentence for the user when the last voices() list is not the engine's current one
  // (a remote list answered from a cache or a built-in selection); empty otherwise.
  virtual std::string voices_note() { return {}; }
  // The voice for a script in `language` (ISO 639-1, "" = unknown) when the request names
  // none; empty = no preference, the caller's default applies.
  virtual std::string default_voice(std::string_view /*language*/) { return {}; }
};

}  // namespace pitchreel
