// A job's layout scene and compositor as the cpu engine builds them, with the CPU presenter
// (for layouts that have one) animated from a portrait, its face and job.speech: what the
// composition tests draw frames from.
#pragma once

#include "engines/video_composer.h"
#include "presenter/animated_presenter.h"

namespace pitchreel::testing {

struct CpuComposition {
  LayoutScene scene;
  FrameComposer composer;  // draws scene's layers
};

// `portrait`, `face` and job.speech must outlive the result.
inline Result<CpuComposition> compose_as_cpu_engine(const RenderJob& job, const cv::Mat& portrait,
                                                    const FaceLandmarks& face) {
  const auto presenter_maker = [&](const Timeline& timeline, cv::Rect panel, int radius) {
    return animate_presenter(portrait, face, *job.speech, timeline, panel, radius);
  };
  auto scene = make_layout_scene(job, presenter_maker);
  if (!scene) return fail(scene.error());
  auto composer = FrameComposer::create(job, scene->composition);
  if (!composer) return fail(composer.error());
  return CpuComposition{std::move(*scene), std::move(*composer)};
}

}  // namespace pitchreel::testing
