// The one compositor every engine's video goes through, so that a layout looks the same
// whoever made the presenter's pictures. Per frame, on a second thread while the previous
// frame is encoded (run_frame_pipeline):
//   backdrop (the product's Ken Burns scene, or a video fitted to the frame)
//   -> the presenter in the layout's panel (the CPU's talking head or a GPU's video)
//   -> the title -> karaoke captions, kept off the presenter's mouth -> fade out
//   -> x264 + AAC, the narration (loudness-normalised, over the music if any) starting at
//   the timeline's lead-in.
// Frame 0 is the picture itself (no fade in). The poster is Timeline::poster_frame(),
// before the first word: the presenter's mouth at rest, no caption, the product whole.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "engines/video_engine.h"
#include "presenter/presenter_layer.h"
#include "render/frame_layer.h"
#include "render/frame_layout.h"
#include "render/timeline.h"

namespace pitchreel {

class CaptionRenderer;

struct Composition {
  Timeline timeline;               // the video's clock; the narration starts at timeline.lead_in
  FrameLayout layout;              // where the title and captions go (no title box: no title)
  FrameLayer* backdrop = nullptr;  // required; covers what the presenter leaves
  PresenterLayer* presenter = nullptr;  // optional; drawn over the backdrop
  std::string_view stage = "render";    // the progress stage reported per frame
  std::vector<RenderWarning> warnings;  // about the inputs, passed on to RenderOutput
};

// Draws the composed frames one by one (in increasing order: layers read their sources
// forward). One thread at a time; the composition's layers must outlive it.
class FrameComposer {
 public:
  // job.title, job.captions and job.speech's words (shifted by the lead-in) as the
  // composition's layout places them.
  static Result<FrameComposer> create(const RenderJob& job, const Composition& composition);
  FrameComposer(FrameComposer&&) noexcept;
  FrameComposer& operator=(FrameComposer&&) noexcept;
  ~FrameComposer();

  // Frame `index` into `out` (the frame's size); `before_captions`, when given, receives
  // the frame before the captions and the fade (the poster).
  Status draw(std::int64_t index, Yuv420& out, Yuv420* before_captions = nullptr);

  const std::vector<CaptionCue>& cues() const { return cues_; }
  const FrameLayout& layout() const { return layout_; }

 private:
  FrameComposer() = default;

  Composition composition_;
  FrameLayout layout_;  // the composition's, captions moved off the mouth
  std::unique_ptr<CaptionRenderer> title_;
  std::unique_ptr<CaptionRenderer> captions_;
  std::vector<CaptionCue> cues_;
};

// Writes job.video_path and job.poster_path: the narration is job.speech (its word times
// shifted by the lead-in for the captions), with job.title, job.captions, job.format,
// job.preset and job.crf. The cues returned are on the video's clock.
Result<RenderOutput> compose_video(const RenderJob& job, const Composition& composition,
                                   ProgressSink& progress);

// Makes the presenter's layer for a panel (even origin and size, `radius` rounding its
// corners), on `timeline`'s clock.
using PresenterMaker = std::function<Result<std::unique_ptr<PresenterLayer>>(
    const Timeline& timeline, cv::Rect panel, int radius)>;

// job.layout's layers: the product's Ken Burns scene beside or behind the presenter's
// panel, whose pictures `make_presenter` supplies (not called for showcase, nor without
// job.presenter, which means showcase), on make_timeline's clock, with the warnings about
// the inputs (low_resolution_image, extreme_aspect_ratio, small_face).
struct LayoutScene {
  std::unique_ptr<FrameLayer> backdrop;
  std::unique_ptr<PresenterLayer> presenter;
  Composition composition;  // points at the two layers above
};
Result<LayoutScene> make_layout_scene(const RenderJob& job, const PresenterMaker& make_presenter);

// make_layout_scene composed by compose_video. `stage` is Composition::stage.
Result<RenderOutput> compose_layout(const RenderJob& job, const PresenterMaker& make_presenter,
                                    ProgressSink& progress, std::string_view stage = "render");

}  // namespace pitchreel
