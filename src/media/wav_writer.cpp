#include "media/wav_writer.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace pitchreel {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_tag(std::vector<std::uint8_t>& out, std::string_view tag) {
  for (const char c : tag) out.push_back(static_cast<std::uint8_t>(c));
}

}  // namespace

std::vector<std::uint8_t> encode_wav(std::span<const float> samples, int sample_rate) {
  constexpr std::uint16_t kChannels = 1, kBits = 16;
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::vector<std::uint8_t> out;
  out.reserve(44 + data_bytes);
  put_tag(out, "RIFF");
  put_u32(out, 36 + data_bytes);
  put_tag(out, "WAVE");
  put_tag(out, "fmt ");
  put_u32(out, 16);
  put_u16(out, 1);  // PCM
  put_u16(out, kChannels);
  put_u32(out, static_cast<std::uint32_t>(sample_rate));
  put_u32(out, static_cast<std::uint32_t>(sample_rate) * kChannels * kBits / 8);
  put_u16(out, kChannels * kBits / 8);
  put_u16(out, kBits);
  put_tag(out, "data");
  put_u32(out, data_bytes);
  for (const float s : samples) {
    const auto v = static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f));
    put_u16(out, static_cast<std::uint16_t>(v));
  }
  return out;
}

}  // namespace pitchreel
