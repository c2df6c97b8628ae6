// The one compositor every engine's video goes through, so that a layout looks the same
// whoever made the presenter's pictures. Per frame, on a second thread while the previous
// frame is encoded (run_frame_pipeline):
//   backdrop (the product's Ken Burns scene, or a video fitted to the frame)
//   -> the presenter in the layout's panel (the CPU's talking head or a GPU's video)
//   -> the title -> karaoke captions, kept off the presenter's mouth -> fades
//   -> x264 + AAC, the narration starting at the timeline's lead-in.
// The poster is the middle frame before captions and fades.
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

struct Composition {
  Timeline timeline;               // the video's clock; the narration starts at timeline.lead_in
  FrameLayout layout;              // where the title and captions go (no title box: no title)
  FrameLayer* backdrop = nullptr;  // required; covers what the presenter leaves
  PresenterLayer* presenter = nullptr;  // optional; drawn over the backdrop
  std::string_view stage = "render";    // the progress stage reported per frame
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

// job.layout composed on make_timeline's clock (lead-in, tail, fades): the product's Ken
// Burns scene beside or behind the presenter's panel, whose pictures `make_presenter`
// supplies (not called for showcase, nor without job.presenter, which means showcase).
// `stage` is Composition::stage.
Result<RenderOutput> compose_layout(const RenderJob& job, const PresenterMaker& make_presenter,
                                    ProgressSink& progress, std::string_view stage = "render");

}  // namespace pitchreel
