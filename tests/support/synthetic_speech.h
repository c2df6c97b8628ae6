// A stand-in narration for composition tests: a 180 Hz buzz whose level rises and falls
// four times a second (syllables, so a presenter's mouth moves), with one word every 0.3 s
// (each lasting 0.28 s) for the captions.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "tts/speech.h"

namespace pitchreel::testing {

inline Speech synthetic_speech(const std::vector<std::string>& words, double seconds) {
  Speech speech;
  speech.sample_rate = 16000;
  speech.samples.resize(static_cast<std::size_t>(seconds * speech.sample_rate));
  for (std::size_t i = 0; i < speech.samples.size(); ++i) {
    const double t = static_cast<double>(i) / speech.sample_rate;
    const double syllables = 0.5 + 0.5 * std::sin(2 * M_PI * 4 * t);
    speech.samples[i] = static_cast<float>(0.3 * syllables * std::sin(2 * M_PI * 180 * t));
  }
  for (std::size_t w = 0; w < words.size(); ++w) {
    speech.words.push_back({words[w], 0.3 * static_cast<double>(w),
                            0.3 * static_cast<double>(w) + 0.28});
  }
  return speech;
}

}  // namespace pitchreel::testing
