// Probe: what an MP4 (or any file libavformat reads) holds, read without decoding
// pictures. Used by tests to check our output, and by remote engines to validate what a
// GPU server sends back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/status.h"

namespace pitchreel {

struct ProbeInfo {
  std::string container;  // libavformat's name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  bool has_video = false;
  std::string video_codec;   // e.g. "h264"
  std::string pixel_format;  // e.g. "yuv420p"
  std::string color_space;   // e.g. "bt709"
  std::string color_primaries;
  std::string color_transfer;
  int width = 0;
  int height = 0;
  double fps = 0;                 // average frame rate
  std::int64_t video_frames = 0;  // counted packets
  double video_duration = 0;      // seconds

  bool has_audio = false;
  std::string audio_codec;    // e.g. "aac"
  std::string audio_profile;  // e.g. "LC"
  int audio_sample_rate = 0;
  int audio_channels = 0;
  double audio_duration = 0;  // seconds

  bool moov_before_mdat = false;  // MP4 "faststart"
};

// "probe_failed" (invalid input) when the file is not a readable media file.
Result<ProbeInfo> probe(const std::filesystem::path& path);

}  // namespace pitchreel
