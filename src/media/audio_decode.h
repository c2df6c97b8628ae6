// Audio decoding: MP3, WAV, Opus (Ogg/WebM), AAC (ADTS/MP4), FLAC, anything libavformat
// reads, from bytes in memory, into mono float PCM at a chosen rate. Remote speech
// services answer in these formats; the pipeline works on mono float.
//
// Contract:
// - Channels are averaged down to mono; the result is resampled to `target_rate`
//   (0 keeps the source's rate). Samples are in [-1, 1].
// - Errors (ErrorKind::kInvalidInput), naming `source_name`: "audio_empty" (no bytes or no
//   samples), "audio_unreadable" (not an audio file libav knows; says what it looks like,
//   e.g. HTML or JSON), "audio_too_long" (more than `max_seconds` of audio). Nothing throws.
// - Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pitchreel {

struct DecodedAudio {
  std::vector<float> samples;  // mono, [-1, 1]
  int sample_rate = 0;         // Hz
  std::string codec;           // libavcodec's name of what was decoded, e.g. "mp3"

  double duration() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

struct AudioDecodeOptions {
  int target_rate = 0;       // Hz; 0 keeps the source's rate
  double max_seconds = 600;  // longer audio is refused (a narration is under a minute)
  // > 0: only the first keep_seconds are decoded and returned; the rest is not read (nor
  // held to max_seconds). A music bed needs no more than the video's length of a song.
  double keep_seconds = 0;
};

Result<DecodedAudio> decode_audio(std::span<const std::uint8_t> bytes, std::string_view source_name,
                                  const AudioDecodeOptions& options = {});

// A file, by path: the same, plus "audio_not_found" when it cannot be read. The file is read
// as it decodes, never held whole.
Result<DecodedAudio> decode_audio_file(const std::filesystem::path& path,
                                       const AudioDecodeOptions& options);

}  // namespace pitchreel
