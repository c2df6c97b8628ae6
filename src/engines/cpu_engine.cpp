#include "engines/cpu_engine.h"

#include "engines/video_composer.h"
#include "presenter/animated_presenter.h"

namespace pitchreel {

Result<RenderOutput> CpuEngine::render(const RenderJob& job, ProgressSink& progress) {
  const auto talking_head = [&](const Timeline& timeline, cv::Rect panel, int radius) {
    return animate_presenter(job.presenter->portrait, job.presenter->face, *job.speech, timeline,
                             panel, radius);
  };
  return compose_layout(job, talking_head, progress);
}

}  // namespace pitchreel
