// decode_audio_file: a narration (WAV, MP3, AAC, FLAC, Ogg, ... whatever libavformat and
// libavcodec read) decoded to mono float samples at one sample rate.
//
// Contract:
// - Stereo and multichannel audio is downmixed; the result is resampled to `target_rate`.
// - Errors (ErrorKind::kInvalidInput) name the file: "audio_not_found", "audio_unreadable"
//   (not an audio file), "audio_empty" (no samples), "audio_too_long" (over `max_seconds`).
// - Thread-safe; nothing throws.
#pragma once

#include <filesystem>
#include <vector>

#include "core/status.h"

namespace pitchreel {

struct DecodedAudio {
  std::vector<float> samples;  // mono, [-1, 1]
  int sample_rate = 0;
  double duration() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

Result<DecodedAudio> decode_audio_file(const std::filesystem::path& path, int target_rate,
                                       double max_seconds = 600);

}  // namespace pitchreel
