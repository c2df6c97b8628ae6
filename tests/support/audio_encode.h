// Test helper: encodes mono float PCM into the compressed formats speech services answer
// with (MP3 via libmp3lame, Opus in Ogg, AAC in ADTS), in memory, with libav.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pitchreel::testing {

enum class AudioFormat { kMp3, kOpus, kAac };

// Empty on failure (the test then fails on the empty answer).
std::vector<std::uint8_t> encode_audio(std::span<const float> samples, int sample_rate,
                                       AudioFormat format);

}  // namespace pitchreel::testing
