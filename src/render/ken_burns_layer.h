// The product's Ken Burns scene as the backdrop layer of a composed video: the camera's
// progress follows the timeline (0 at the first frame, 1 at the last), and only `area`
// is drawn (what the presenter's panel leaves of the frame; see scene_area()).
#pragma once

#include <utility>

#include "render/frame_layer.h"
#include "render/ken_burns_scene.h"
#include "render/timeline.h"

namespace pitchreel {

class KenBurnsLayer final : public FrameLayer {
 public:
  // `area` has even origin and size.
  KenBurnsLayer(KenBurnsScene scene, const Timeline& timeline, cv::Rect area)
      : scene_(std::move(scene)), timeline_(timeline), area_(area) {}

  Status draw(std::int64_t frame, Yuv420& out) override {
    scene_.render(timeline_.progress(frame), out, area_);
    return {};
  }

 private:
  KenBurnsScene scene_;
  Timeline timeline_;
  cv::Rect area_;
};

}  // namespace pitchreel
