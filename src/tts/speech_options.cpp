#include "tts/speech_options.h"

#include <fmt/format.h>

namespace pitchreel {

Status check_speech_options(const SpeechOptions& options) {
  if (options.rate_wpm < kMinRateWpm || options.rate_wpm > kMaxRateWpm) {
    return fail(Error::invalid(
        "invalid_speech_options",
        fmt::format("The speech rate {} is out of range; use {} to {} words per minute.",
                    options.rate_wpm, kMinRateWpm, kMaxRateWpm)));
  }
  if (options.pitch < kMinPitch || options.pitch > kMaxPitch) {
    return fail(Error::invalid("invalid_speech_options",
                               fmt::format("The pitch {} is out of range; use {} to {} (50 is the "
                                           "voice's normal pitch).",
                                           options.pitch, kMinPitch, kMaxPitch)));
  }
  return {};
}

}  // namespace pitchreel
