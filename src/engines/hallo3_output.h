// What happens to the MP4 a Hallo3 server returns: it is validated before it is accepted,
// then either passed through untouched or composed by the CPU (captions drawn on it,
// fitted to the requested output shape, re-encoded with our narration).
#pragma once

#include <filesystem>
#include <vector>

#include "core/output_format.h"
#include "core/progress.h"
#include "core/status.h"
#include "media/probe.h"
#include "render/captions.h"
#include "tts/speech.h"

namespace pitchreel {

// It decodes (probe), has a video stream with sane dimensions (64..4096 px, at least one
// frame), and its duration is the narration's within max(0.5 s, 10%).
// "gpu_bad_output" (unavailable) otherwise, saying what was wrong.
Result<ProbeInfo> validate_gpu_video(const std::filesystem::path& mp4, double audio_duration);

struct ComposeJob {
  std::filesystem::path source;  // the validated Hallo3 MP4
  const Speech* speech = nullptr;
  OutputFormat format;
  bool captions = true;
  std::string preset = "veryfast";
  int crf = 23;
  std::filesystem::path video_path;
  std::filesystem::path poster_path;
};

struct ComposeOutput {
  std::int64_t frames = 0;
  double duration = 0;
  std::vector<CaptionCue> cues;  // on the video's clock (= the audio's: no lead-in)
};

// The source's frames, fitted whole into the output frame over a blurred, zoomed copy of
// themselves, captions at the bottom; the narration as the audio track. The poster is the
// middle frame without captions. progress: stage "compose".
Result<ComposeOutput> compose_gpu_video(const ComposeJob& job, ProgressSink& progress);

// Copies the source as it is and writes the poster from its middle frame.
Status pass_through_gpu_video(const std::filesystem::path& source,
                              const std::filesystem::path& video,
                              const std::filesystem::path& poster);

}  // namespace pitchreel
