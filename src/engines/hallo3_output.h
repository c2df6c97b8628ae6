// What happens to the MP4 a Hallo3 server returns: it is validated before it is accepted,
// then either passed through untouched or composed by the CPU (compose_video): into the
// job's layout as the presenter, or fitted whole to the requested shape with captions.
#pragma once

#include <filesystem>

#include "core/progress.h"
#include "core/status.h"
#include "engines/hallo3_input.h"
#include "engines/video_engine.h"
#include "media/probe.h"

namespace pitchreel {

// It decodes (probe), has a video stream with sane dimensions (64..4096 px, at least one
// frame), and its duration is the narration's within max(0.5 s, 10%).
// "gpu_bad_output" (unavailable) otherwise, saying what was wrong.
Result<ProbeInfo> validate_gpu_video(const std::filesystem::path& mp4, double audio_duration);

// Composes the validated GPU video `source`, made from `inputs`, into job.video_path and
// job.poster_path with job.speech as the audio; progress: stage "compose".
// - A portrait and a layout other than showcase: compose_layout, the GPU's frames in the
//   presenter's panel (VideoPresenter), on the layout's clock (lead-in, tail, fades).
// - Otherwise (the GPU animated the product photo, or showcase): the GPU's frames fitted
//   whole into the frame over a blurred, zoomed copy of themselves, captions at the
//   bottom, no title, on the GPU video's clock (no lead-in, no fades).
// The GPU video breaking now (it was validated) is "gpu_bad_output".
Result<RenderOutput> compose_gpu_video(const RenderJob& job, const std::filesystem::path& source,
                                       const Hallo3Inputs& inputs, ProgressSink& progress);

// Copies the source as it is and writes the poster from its middle frame.
Status pass_through_gpu_video(const std::filesystem::path& source,
                              const std::filesystem::path& video,
                              const std::filesystem::path& poster);

}  // namespace pitchreel
