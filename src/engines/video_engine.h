// VideoEngine: makes the picture for a narration and writes the finished MP4.
//
// Contract:
// - render() writes a complete MP4 (video + the narration as audio) to job.video_path
//   and a poster JPEG to job.poster_path, or fails; on failure the caller removes both.
// - Speech without phoneme timings (a recorded narration) is animated from the audio.
// - Word timings in the job are on the audio's clock; the engine decides the video's
//   timeline (lead-in, tail) and reports the caption cues it drew on the video's clock,
//   so that the caption files written beside the video match the picture.
// - progress->update("render", f) is called as frames are produced; engines that use a
//   GPU backend add its wall time with progress->add_gpu_seconds(), failed calls included.
// - An engine instance may be used by one job at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/output_format.h"
#include "core/progress.h"
#include "core/render_warning.h"
#include "core/status.h"
#include "media/encoder.h"
#include "presenter/face_detector.h"
#include "render/captions.h"
#include "render/frame_layout.h"
#include "tts/speech.h"

namespace pitchreel {

// The talking presenter: a portrait and its landmarks (found once, by detect_face).
struct PresenterInput {
  cv::Mat portrait;  // CV_8UC3 BGR
  FaceLandmarks face;
};

struct RenderJob {
  cv::Mat product;                          // CV_8UC3 BGR product photo
  std::optional<PresenterInput> presenter;  // absent: the product alone
  Layout layout = Layout::kShowcase;        // not kShowcase only with a presenter
  std::string title;                        // drawn at the top when non-empty
  const Speech* speech = nullptr;
  // The narration's samples (speech->samples), for the soundtrack to take over when the
  // caller reads them no more once render() has begun; null: the soundtrack reads
  // speech->samples and leaves them. Taken, a long narration is not held for the whole
  // render (120 s at 48 kHz: 23 MB); speech->samples is then empty, and speech->duration()
  // zero, from the moment the soundtrack is made (on the encoder's audio thread).
  std::vector<float>* samples_to_take = nullptr;
  // Set by a caller that reads `product` and the presenter's portrait no more once render()
  // has begun: called once the render's layers hold what they need of the pictures (before
  // the first frame), for the caller to release them. A photo as decoded (up to
  // ImageLimits::max_side, 4096 px, on its longer side: 36 MB for a phone's 12 megapixels)
  // is held for the whole render otherwise. Unset: the pictures are left.
  std::function<void()> release_pictures;
  OutputFormat format;
  bool captions = true;
  std::string preset = "veryfast";
  int crf = 23;
  bool full_x264_threading = false;  // EncoderSettings::full_x264_threading
  std::filesystem::path video_path;
  std::filesystem::path poster_path;
  // Optional background music (any format libav decodes), looped or trimmed to the video,
  // ducked under the narration and faded out. Empty: narration only.
  std::filesystem::path music_path;
  // Remote engines: keep the backend's video as it is (no captions, no layout).
  bool passthrough = false;
};

struct RenderOutput {
  std::int64_t frames = 0;
  double duration = 0;           // seconds
  std::vector<CaptionCue> cues;  // on the video's clock
  std::vector<RenderWarning> warnings;
};

class VideoEngine {
 public:
  virtual ~VideoEngine() = default;
  virtual Result<RenderOutput> render(const RenderJob& job, ProgressSink& progress) = 0;
};

}  // namespace pitchreel
