#include "render/video_layer.h"

#include <algorithm>
#include <utility>

#include "media/color_convert.h"

namespace pitchreel {

VideoLayer::VideoLayer(VideoCursor cursor, const Timeline& timeline, cv::Rect area, PanelMask mask,
                       Shape shape)
    : cursor_(std::move(cursor)),
      timeline_(timeline),
      area_(area),
      mask_(std::move(mask)),
      shape_(std::move(shape)) {}

Status VideoLayer::draw(std::int64_t frame, Yuv420& out) {
  const double t = std::max(0.0, timeline_.time_of(frame) - timeline_.lead_in);
  auto source = cursor_.at(t);
  if (!source) return fail(source.error());
  if (cursor_.index() != shown_) {
    shaped_.create(area_.size(), CV_8UC3);
    shape_((*source)->bgr, shaped_);
    auto yuv = bgr_to_yuv420(shaped_);
    if (!yuv) return fail(yuv.error());
    picture_ = std::move(*yuv);
    shown_ = cursor_.index();
  }
  mask_.copy(picture_, out, area_.tl());
  return {};
}

}  // namespace pitchreel
