// Resampling of mono float PCM already in memory (the decoder resamples while it decodes;
// this is for audio that has to reach a second rate, e.g. 16 kHz for speech recognition).
//
// Contract: returns the samples at `to_rate`, same duration within a sample, values kept
// in [-1, 1]; empty when the input is empty or a rate is not positive. Thread-safe (no
// shared state); nothing throws.
#pragma once

#include <span>
#include <vector>

namespace pitchreel {

std::vector<float> resample_mono(std::span<const float> samples, int from_rate, int to_rate);

}  // namespace pitchreel
