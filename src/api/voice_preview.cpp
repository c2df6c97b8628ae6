#include "api/voice_preview.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace pitchreel::api {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}

// Digits are read in the voice's own language, so one sample suits every voice.
constexpr const char* kSampleText = "pitchreel. 1, 2, 3, 4, 5.";

}  // namespace

std::string wav_file(const Speech& speech) {
  const auto data_bytes = static_cast<std::uint32_t>(speech.samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put_u32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  put_u32(out, 16);
  put_u16(out, 1);  // PCM
  put_u16(out, 1);  // mono
  put_u32(out, static_cast<std::uint32_t>(speech.sample_rate));
  put_u32(out, static_cast<std::uint32_t>(speech.sample_rate) * 2);
  put_u16(out, 2);
  put_u16(out, 16);
  out += "data";
  put_u32(out, data_bytes);
  for (float s : speech.samples) {
    const auto v = static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f));
    put_u16(out, static_cast<std::uint16_t>(v));
  }
  return out;
}

Result<std::string> voice_preview_wav(TtsEngine& engine, const std::string& voice) {
  SpeechOptions options;
  options.voice = voice;
  auto speech = engine.synthesize(kSampleText, options);
  if (!speech) return fail(speech.error());
  return wav_file(*speech);
}

}  // namespace pitchreel::api
