// WAV writing: mono float PCM as a 16-bit PCM RIFF/WAVE file in memory, the format GPU
// talking-head servers (Hallo3) take their driving audio in.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pitchreel {

// Samples are clamped to [-1, 1]; `sample_rate` > 0.
std::vector<std::uint8_t> encode_wav(std::span<const float> samples, int sample_rate);

}  // namespace pitchreel
