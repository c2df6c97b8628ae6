// Yuv420: a picture in the encoder's own layout, so frames are rendered where they are
// encoded without a per-frame colour conversion: 8-bit planar Y'CbCr 4:2:0, BT.709,
// limited range (Y 16-235, Cb/Cr 16-240), chroma sited left (the H.264 default).
#pragma once

#include <opencv2/core.hpp>

namespace pitchreel {

struct Yuv420 {
  cv::Mat y;  // CV_8UC1, full size
  cv::Mat u;  // CV_8UC1, half width and height (Cb)
  cv::Mat v;  // CV_8UC1, half width and height (Cr)

  // `size` must have even width and height.
  static Yuv420 allocate(cv::Size size) {
    return {cv::Mat(size, CV_8UC1), cv::Mat(size / 2, CV_8UC1), cv::Mat(size / 2, CV_8UC1)};
  }
  cv::Size size() const { return y.size(); }
};

// BT.709 limited-range coefficients, for code that converts single colours itself.
namespace bt709 {
inline constexpr double kKr = 0.2126;
inline constexpr double kKb = 0.0722;
inline constexpr double kKg = 1.0 - kKr - kKb;
// Y' (0..255 scale) -> Y in 16..235; Cb/Cr (-127.5..127.5 scale) -> 16..240.
inline constexpr double kLumaScale = 219.0 / 255.0;
inline constexpr double kChromaScale = 224.0 / 255.0;
}  // namespace bt709

}  // namespace pitchreel
