#include "render/caption_overlay.h"

#include <cstdint>

namespace pitchreel {
namespace {

// x / 255 rounded, exact for x in [0, 255 * 255].
inline std::uint32_t div255(std::uint32_t x) {
  x += 128;
  return (x + (x >> 8)) >> 8;
}

cv::Rect image_rect(const ASS_Image& image) { return {image.dst_x, image.dst_y, image.w, image.h}; }

void composite(const ASS_Image& image, cv::Rect area, cv::Point origin, cv::Mat& patch) {
  // libass colour is RGBA with A as transparency.
  const std::uint32_t r = (image.color >> 24) & 0xFF;
  const std::uint32_t g = (image.color >> 16) & 0xFF;
  const std::uint32_t b = (image.color >> 8) & 0xFF;
  const std::uint32_t opacity = 255 - (image.color & 0xFF);
  if (opacity == 0) return;
  for (int y = area.y; y < area.br().y; ++y) {
    const unsigned char* src =
        image.bitmap + static_cast<std::ptrdiff_t>(y - image.dst_y) * image.stride;
    auto* dst = patch.ptr<std::uint8_t>(y - origin.y) + 4 * (area.x - origin.x);
    for (int x = area.x; x < area.br().x; ++x, dst += 4) {
      const std::uint32_t a = div255(src[x - image.dst_x] * opacity);
      if (a == 0) continue;
      const std::uint32_t keep = 255 - a;
      dst[0] = static_cast<std::uint8_t>(div255(b * a) + div255(dst[0] * keep));
      dst[1] = static_cast<std::uint8_t>(div255(g * a) + div255(dst[1] * keep));
      dst[2] = static_cast<std::uint8_t>(div255(r * a) + div255(dst[2] * keep));
      dst[3] = static_cast<std::uint8_t>(a + div255(dst[3] * keep));
    }
  }
}

}  // namespace

void CaptionOverlay::rebuild(const ASS_Image* images, cv::Rect clip) {
  bounds_ = {};
  for (const ASS_Image* image = images; image != nullptr; image = image->next) {
    const cv::Rect visible = image_rect(*image) & clip;
    if (visible.empty()) continue;
    bounds_ = bounds_.empty() ? visible : (bounds_ | visible);
  }
  if (bounds_.empty()) return;
  patch_.create(bounds_.size(), CV_8UC4);
  patch_.setTo(cv::Scalar::all(0));
  for (const ASS_Image* image = images; image != nullptr; image = image->next) {
    const cv::Rect visible = image_rect(*image) & clip;
    if (!visible.empty()) composite(*image, visible, bounds_.tl(), patch_);
  }
}

void CaptionOverlay::blend_onto(cv::Mat& frame_bgr) const {
  if (bounds_.empty() || frame_bgr.type() != CV_8UC3) return;
  const cv::Rect area = bounds_ & cv::Rect(0, 0, frame_bgr.cols, frame_bgr.rows);
  for (int y = area.y; y < area.br().y; ++y) {
    const auto* src = patch_.ptr<std::uint8_t>(y - bounds_.y) + 4 * (area.x - bounds_.x);
    auto* dst = frame_bgr.ptr<std::uint8_t>(y) + 3 * area.x;
    for (int x = area.x; x < area.br().x; ++x, src += 4, dst += 3) {
      const std::uint32_t a = src[3];
      if (a == 0) continue;
      const std::uint32_t keep = 255 - a;
      dst[0] = static_cast<std::uint8_t>(src[0] + div255(dst[0] * keep));
      dst[1] = static_cast<std::uint8_t>(src[1] + div255(dst[1] * keep));
      dst[2] = static_cast<std::uint8_t>(src[2] + div255(dst[2] * keep));
    }
  }
}

}  // namespace pitchreel
