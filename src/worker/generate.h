// The pipeline that turns one request into a finished video, read top-down:
// script -> image -> speech -> picture + encode -> caption files -> rename into place.
// The CLI's `generate` and (later) the service's workers both run it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/output_format.h"
#include "core/progress.h"
#include "core/status.h"
#include "engines/video_engine.h"
#include "media/image.h"
#include "render/frame_layout.h"
#include "tts/tts_engine.h"

namespace pitchreel {

struct GenerateRequest {
  std::filesystem::path image;
  std::optional<std::string> script;  // when absent, suggested from name + description
  std::string product_name;
  std::string description;
  bool title = false;  // draw product_name at the top
  SpeechOptions speech;
  OutputFormat format;
  bool captions = true;
  std::string preset = "veryfast";
  int crf = 23;
  // The operator's PITCHREEL_X264_THREADING=full (EncoderSettings::full_x264_threading).
  bool full_x264_threading = false;
  ImageLimits image_limits;
  std::filesystem::path output;  // out.mp4; out.jpg, out.vtt and out.srt are written beside it
  bool passthrough = false;  // remote engines: keep the backend's video untouched
  // The talking presenter (issue 4): a portrait; the layout defaults to kPresenter with a
  // portrait and must be kShowcase without one.
  std::filesystem::path avatar;
  std::optional<Layout> layout;
  // A recorded narration used instead of synthesised speech; the script (optional then)
  // only gives the captions.
  std::filesystem::path audio;
  // Background music under the narration (any audio file libav reads); empty: none.
  std::filesystem::path music;
};

struct StageTime {
  std::string stage;
  double seconds = 0;
};

struct GenerateResult {
  std::filesystem::path video, poster, vtt, srt;
  std::string script;
  double duration = 0;  // seconds
  std::int64_t frames = 0;
  std::uintmax_t size = 0;  // bytes of the MP4
  int width = 0;
  int height = 0;
  std::vector<StageTime> stages;
  // What did not go as asked but did not stop the video, for the user: low_resolution_image,
  // extreme_aspect_ratio, small_face (the render's), avatar_unused (a portrait the showcase
  // layout leaves out), tts_fallback (an offline voice stood in for a remote one).
  std::vector<RenderWarning> warnings;
};

// Every file is written under a temporary name and renamed on success only.
Result<GenerateResult> generate_video(const GenerateRequest& request, TtsEngine& tts,
                                      VideoEngine& engine, ProgressSink& progress);

// The script that will be spoken: the given one, normalised and length-checked, or
// one suggested from the product's name and description.
Result<std::string> resolve_script(const GenerateRequest& request);

}  // namespace pitchreel
