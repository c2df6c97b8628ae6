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
  // No test for transparent pixels: with a = 0 the formula gives back what is there
  // (div255(v * 255) == v), and without the branch the compiler vectorises the row.
  for (int y = area.y; y < area.br().y; ++y) {
    const unsigned char* src = image.bitmap +
                               static_cast<std::ptrdiff_t>(y - image.dst_y) * image.stride +
                               (area.x - image.dst_x);
    auto* dst = patch.ptr<std::uint8_t>(y - origin.y) + 4 * (area.x - origin.x);
    for (int k = 0; k < area.width; ++k) {
      const std::uint32_t a = div255(src[k] * opacity);
      const std::uint32_t keep = 255 - a;
      std::uint8_t* px = dst + 4 * k;
      px[0] = static_cast<std::uint8_t>(div255(b * a) + div255(px[0] * keep));
      px[1] = static_cast<std::uint8_t>(div255(g * a) + div255(px[1] * keep));
      px[2] = static_cast<std::uint8_t>(div255(r * a) + div255(px[2] * keep));
      px[3] = static_cast<std::uint8_t>(a + div255(px[3] * keep));
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
  // Premultiplied colour converts linearly (the offsets scale with alpha):
  //   Y  = 16 a/255 + Ls (Kr r + Kg g + Kb b),
  //   Cb = 128 a/255 + Cs (b - luma) / (2 (1 - Kb)),  Cr likewise with r and Kr,
  // in 16.16 fixed point (integer rows the compiler vectorises), chroma as the mean of
  // the 2x2 block's values; within a 1/256 level of the same sums in doubles.
  constexpr int kBits = 16;
  const auto fixed = [](double v) {
    return static_cast<std::int32_t>(std::lround(v * (1 << kBits)));
  };
  const double cbs = kChromaScale / (2 * (1 - kKb)), crs = kChromaScale / (2 * (1 - kKr));
  const std::int32_t ya = fixed(16.0 / 255), yr = fixed(kLumaScale * kKr),
                     yg = fixed(kLumaScale * kKg), yb = fixed(kLumaScale * kKb);
  const std::int32_t ca = fixed(128.0 / 255);
  const std::int32_t cbr = fixed(-cbs * kKr), cbg = fixed(-cbs * kKg), cbb = fixed(cbs * (1 - kKb));
  const std::int32_t crr = fixed(crs * (1 - kKr)), crg = fixed(-crs * kKg), crb = fixed(-crs * kKb);
  const auto byte = [](std::int32_t v) { return static_cast<std::uint8_t>(std::clamp(v, 0, 255)); };
  const int width = patch_.cols;
  for (int y = 0; y < patch_.rows; ++y) {
    const std::uint8_t* px = patch_.ptr<std::uint8_t>(y);
    std::uint8_t* out = patch_y_.ptr<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      const std::int32_t b = px[4 * x], g = px[4 * x + 1], r = px[4 * x + 2], a = px[4 * x + 3];
      out[2 * x] = byte((ya * a + yr * r + yg * g + yb * b + (1 << (kBits - 1))) >> kBits);
      out[2 * x + 1] = static_cast<std::uint8_t>(a);
    }
  }
  for (int cy = 0; cy < patch_cb_.rows; ++cy) {
    const std::uint8_t* top = patch_.ptr<std::uint8_t>(2 * cy);
    const std::uint8_t* bottom = patch_.ptr<std::uint8_t>(2 * cy + 1);
    std::uint8_t* cb = patch_cb_.ptr<std::uint8_t>(cy);
    std::uint8_t* cr = patch_cr_.ptr<std::uint8_t>(cy);
    for (int cx = 0; cx < patch_cb_.cols; ++cx) {
      const int i = 8 * cx;  // the block's left pixels, 4 bytes each
      const std::int32_t b = top[i] + top[i + 4] + bottom[i] + bottom[i + 4];
      const std::int32_t g = top[i + 1] + top[i + 5] + bottom[i + 1] + bottom[i + 5];
      const std::int32_t r = top[i + 2] + top[i + 6] + bottom[i + 2] + bottom[i + 6];
      const std::int32_t a = top[i + 3] + top[i + 7] + bottom[i + 3] + bottom[i + 7];
      // Sums of four: the mean is the sum shifted by two more bits.
      constexpr int kMeanBits = kBits + 2;
      cb[2 * cx] =
          byte((ca * a + cbr * r + cbg * g + cbb * b + (1 << (kMeanBits - 1))) >> kMeanBits);
      cr[2 * cx] =
          byte((ca * a + crr * r + crg * g + crb * b + (1 << (kMeanBits - 1))) >> kMeanBits);
      cb[2 * cx + 1] = cr[2 * cx + 1] = static_cast<std::uint8_t>((a + 2) >> 2);
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
