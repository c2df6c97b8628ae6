#include "api/voice_preview.h"

#include "media/wav_writer.h"

namespace pitchreel::api {
namespace {

// Digits are read in the voice's own language, so one sample suits every voice.
constexpr const char* kSampleText = "pitchreel. 1, 2, 3, 4, 5.";

}  // namespace

Result<std::string> voice_preview_wav(TtsEngine& engine, const std::string& voice) {
  SpeechOptions options;
  options.voice = voice;
  auto speech = engine.synthesize(kSampleText, options);
  if (!speech) return fail(speech.error());
  const auto wav = encode_wav(speech->samples, speech->sample_rate);
  return std::string(wav.begin(), wav.end());
}

}  // namespace pitchreel::api
