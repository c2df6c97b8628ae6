// CpuEngine: the embedded VideoEngine. Renders the product scene (Ken Burns over a
// blurred fill), karaoke captions and an optional title on the CPU, frame by frame,
// straight into the encoder: memory stays flat whatever the video's length.
#pragma once

#include "engines/video_engine.h"

namespace pitchreel {

class CpuEngine final : public VideoEngine {
 public:
  Result<RenderOutput> render(const RenderJob& job, ProgressSink& progress) override;
};

}  // namespace pitchreel
