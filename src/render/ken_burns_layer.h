// The product's Ken Burns scene as the backdrop layer of a composed video: the camera's
// progress follows the timeline (0 at the first frame, 1 at the last), and only `area`
// is drawn (what the presenter's panel leaves of the frame; see scene_area()).
#pragma once

#include <future>
#include <optional>
#include <utility>

#include "render/frame_layer.h"
#include "render/ken_burns_scene.h"
#include "render/timeline.h"

namespace pitchreel {

class KenBurnsLayer final : public FrameLayer {
 public:
  // `scene` is still being made (KenBurnsScene::create on a thread of its own, while the
  // rest of the video is set up): the first draw() waits for it, and every draw fails with
  // its error if it could not be made. `area` has even origin and size.
  KenBurnsLayer(std::future<Result<KenBurnsScene>> scene, const Timeline& timeline, cv::Rect area)
      : pending_(std::move(scene)), timeline_(timeline), area_(area) {}

  Status draw(std::int64_t frame, Yuv420& out) override {
    if (!scene_) scene_ = pending_.get();  // once: the future is spent afterwards
    if (!*scene_) return fail(scene_->error());
    (*scene_)->render(timeline_.progress(frame), out, area_);
    return {};
  }

 private:
  std::optional<Result<KenBurnsScene>> scene_;  // empty until the first draw
  std::future<Result<KenBurnsScene>> pending_;
  Timeline timeline_;
  cv::Rect area_;
};

}  // namespace pitchreel
