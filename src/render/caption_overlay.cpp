#include "render/caption_overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "render/blend_row.h"

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
  // Grow to even coordinates: the extra pixels are transparent.
  const int x0 = bounds_.x & ~1, y0 = bounds_.y & ~1;
  bounds_ = cv::Rect(x0, y0, ((bounds_.br().x + 1) & ~1) - x0, ((bounds_.br().y + 1) & ~1) - y0);
  patch_.create(bounds_.size(), CV_8UC4);
  patch_.setTo(cv::Scalar::all(0));
  for (const ASS_Image* image = images; image != nullptr; image = image->next) {
    const cv::Rect visible = image_rect(*image) & clip;
    if (!visible.empty()) composite(*image, visible, bounds_.tl(), patch_);
  }
  build_yuv();
}

void CaptionOverlay::build_yuv() {
  using namespace bt709;
  patch_y_.create(patch_.size(), CV_8UC2);
  patch_cb_.create(patch_.size() / 2, CV_8UC2);
  patch_cr_.create(patch_.size() / 2, CV_8UC2);
  const auto byte = [](double x) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(x), 0L, 255L));
  };
  for (int cy = 0; cy < patch_cb_.rows; ++cy) {
    auto* cb = patch_cb_.ptr<std::uint8_t>(cy);
    auto* cr = patch_cr_.ptr<std::uint8_t>(cy);
    for (int cx = 0; cx < patch_cb_.cols; ++cx, cb += 2, cr += 2) {
      double cb_sum = 0, cr_sum = 0, a_sum = 0;
      for (int dy = 0; dy < 2; ++dy) {
        for (int dx = 0; dx < 2; ++dx) {
          const int x = 2 * cx + dx, y = 2 * cy + dy;
          const auto* px = patch_.ptr<std::uint8_t>(y) + 4 * x;
          const double b = px[0], g = px[1], r = px[2], a = px[3];
          // Premultiplied colour converts linearly: offsets scale with alpha.
          const double luma = kKr * r + kKg * g + kKb * b;
          auto* yp = patch_y_.ptr<std::uint8_t>(y) + 2 * x;
          yp[0] = byte(16.0 * a / 255.0 + kLumaScale * luma);
          yp[1] = px[3];
          cb_sum += 128.0 * a / 255.0 + kChromaScale * (b - luma) / (2 * (1 - kKb));
          cr_sum += 128.0 * a / 255.0 + kChromaScale * (r - luma) / (2 * (1 - kKr));
          a_sum += a;
        }
      }
      cb[0] = byte(cb_sum / 4);
      cr[0] = byte(cr_sum / 4);
      cb[1] = cr[1] = byte(a_sum / 4);
    }
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

void CaptionOverlay::blend_onto(Yuv420& frame) const {
  if (bounds_.empty()) return;
  const cv::Rect area = bounds_ & cv::Rect({}, frame.size());
  if (area.empty()) return;
  for (int y = area.y; y < area.br().y; ++y) {
    blend_premultiplied_row(patch_y_.ptr<std::uint8_t>(y - bounds_.y) + 2 * (area.x - bounds_.x),
              frame.y.ptr<std::uint8_t>(y) + area.x, area.width);
  }
  // bounds_ is even, so the area's chroma rectangle is exact.
  const cv::Rect chroma(area.x / 2, area.y / 2, area.width / 2, area.height / 2);
  for (int y = chroma.y; y < chroma.br().y; ++y) {
    const int from = 2 * (chroma.x - bounds_.x / 2);
    blend_premultiplied_row(patch_cb_.ptr<std::uint8_t>(y - bounds_.y / 2) + from,
              frame.u.ptr<std::uint8_t>(y) + chroma.x, chroma.width);
    blend_premultiplied_row(patch_cr_.ptr<std::uint8_t>(y - bounds_.y / 2) + from,
              frame.v.ptr<std::uint8_t>(y) + chroma.x, chroma.width);
  }
}

}  // namespace pitchreel
