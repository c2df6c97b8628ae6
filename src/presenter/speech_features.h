// SpeechFeatures: what the mouth needs to know about the audio, one value set per video
// frame: how loud (normalised to the recording's own range, so a quiet narration still
// opens the mouth), whether it is silence, and the spectrum's rough shape (how much of
// the energy is low, as in "oo", and how noisy it is, as in "s" or "f").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pitchreel {

struct FrameFeatures {
  float loudness = 0;   // 0..1: amplitude relative to the recording's loud peaks
  bool silent = true;   // below the speech threshold
  float low_share = 0;  // 0..1: energy below ~900 Hz over all energy
  float noisiness = 0;  // 0..1: zero crossings per second, 0 at 1000/s, 1 at 4000/s
};

// Frame i covers audio time i / fps - `audio_start` (the audio begins `audio_start`
// seconds into the video); frames outside the audio are silent.
std::vector<FrameFeatures> analyse_speech(std::span<const float> samples, int sample_rate, int fps,
                                          double audio_start, std::int64_t frame_count);

}  // namespace pitchreel
