#include "render/frame_layout.h"

#include <algorithm>
#include <cmath>

namespace pitchreel {
namespace {

// A rectangle given in fractions of the frame.
cv::Rect fraction(cv::Size frame, double x0, double y0, double x1, double y1) {
  const auto px = [](double f, int n) { return static_cast<int>(std::lround(f * n)); };
  return {px(x0, frame.width), px(y0, frame.height), px(x1 - x0, frame.width),
          px(y1 - y0, frame.height)};
}

}  // namespace

FrameLayout showcase_layout(cv::Size frame, bool with_title, bool with_captions) {
  const int short_side = std::min(frame.width, frame.height);
  const bool portrait = frame.height > frame.width;
  FrameLayout layout;
  layout.caption_font_px = static_cast<int>(std::lround(short_side * 0.055));
  layout.title_font_px = static_cast<int>(std::lround(short_side * 0.065));

  // Vertical bands as fractions of the height: title, product, captions.
  // Portrait video keeps the bottom fifth clear of the apps' own buttons and text.
  const double top = 0.05;
  const double title_end = with_title ? (portrait ? 0.14 : 0.17) : top;
  const double captions_end = portrait ? 0.80 : 0.95;
  const double captions_start = with_captions ? (portrait ? 0.66 : 0.74) : captions_end;
  const double side = 0.05;

  layout.title = with_title ? fraction(frame, side, top, 1 - side, title_end) : cv::Rect{};
  layout.product = fraction(frame, side * 2, title_end + 0.01, 1 - side * 2, captions_start - 0.02);
  layout.captions =
      with_captions ? fraction(frame, side, captions_start, 1 - side, captions_end) : cv::Rect{};
  return layout;
}

}  // namespace pitchreel
