// A short spoken sample of a voice, for the UI's voice picker: one sentence synthesised by
// the TTS engine and returned as a 16-bit mono WAV file. Errors: those of
// TtsEngine::synthesize ("voice_not_found" for an unknown voice). Thread safe as the
// engine is.
#pragma once

#include <string>

#include "core/status.h"
#include "tts/tts_engine.h"

namespace pitchreel::api {

Result<std::string> voice_preview_wav(TtsEngine& engine, const std::string& voice);

}  // namespace pitchreel::api
