// CpuEngine: the embedded VideoEngine. Renders the job's layout on the CPU, frame by frame,
// straight into the encoder (compose_layout): the product scene (Ken Burns over a blurred
// fill), the presenter's mesh-warped talking head in its panel (animate_presenter),
// karaoke captions and an optional title. Memory stays flat whatever the video's length.
#pragma once

#include "engines/video_engine.h"

namespace pitchreel {

class CpuEngine final : public VideoEngine {
 public:
  Result<RenderOutput> render(const RenderJob& job, ProgressSink& progress) override;
};

}  // namespace pitchreel
