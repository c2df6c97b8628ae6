// Range checks for SpeechOptions shared by every TtsEngine: "invalid_speech_options".
#pragma once

#include "core/status.h"
#include "tts/speech.h"

namespace pitchreel {

inline constexpr int kMinRateWpm = 80, kMaxRateWpm = 450, kMinPitch = 0, kMaxPitch = 100;
inline constexpr int kDefaultRateWpm = 165;

Status check_speech_options(const SpeechOptions& options);

}  // namespace pitchreel
