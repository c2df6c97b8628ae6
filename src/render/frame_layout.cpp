#include "render/frame_layout.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace pitchreel {
namespace {

// A rectangle given in fractions of the frame.
cv::Rect fraction(cv::Size frame, double x0, double y0, double x1, double y1) {
  const auto px = [](double f, int n) { return static_cast<int>(std::lround(f * n)); };
  return {px(x0, frame.width), px(y0, frame.height), px(x1 - x0, frame.width),
          px(y1 - y0, frame.height)};
}

cv::Rect even(cv::Rect r) {
  const int x = r.x - r.x % 2, y = r.y - r.y % 2;
  return {x, y, (r.br().x - x) / 2 * 2, (r.br().y - y) / 2 * 2};
}

// Title on top, product in the middle, captions at the bottom of `area` (fractions of
// the frame: x0, y0, x1, y1), as the showcase does for the whole frame.
void stack(FrameLayout& layout, cv::Size frame, double x0, double y0, double x1, double y1,
           bool with_title, bool with_captions, double caption_share) {
  const double h = y1 - y0;
  const double title_end = with_title ? y0 + std::max(0.09, 0.14 * h) : y0;
  const double captions_start = with_captions ? y1 - caption_share * h : y1;
  layout.title = with_title ? fraction(frame, x0, y0, x1, title_end) : cv::Rect{};
  const double inset = 0.05 * (x1 - x0);
  layout.product = fraction(frame, x0 + inset, title_end + 0.01, x1 - inset, captions_start - 0.02);
  layout.captions = with_captions ? fraction(frame, x0, captions_start, x1, y1) : cv::Rect{};
}

}  // namespace

Result<Layout> parse_layout(std::string_view text) {
  if (text == "showcase") return Layout::kShowcase;
  if (text == "presenter") return Layout::kPresenter;
  if (text == "split") return Layout::kSplit;
  if (text == "pip") return Layout::kPip;
  return fail(Error::invalid(
      "invalid_layout",
      fmt::format("\"{}\" is not a layout. Use presenter, split, pip or showcase.", text)));
}

std::string layout_name(Layout layout) {
  switch (layout) {
    case Layout::kShowcase:
      return "showcase";
    case Layout::kPresenter:
      return "presenter";
    case Layout::kSplit:
      return "split";
    case Layout::kPip:
      return "pip";
  }
  return "showcase";
}

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

FrameLayout make_layout(Layout kind, cv::Size frame, bool with_title, bool with_captions) {
  FrameLayout layout = showcase_layout(frame, with_title, with_captions);
  if (kind == Layout::kShowcase) return layout;
  const bool portrait = frame.height > frame.width;
  const bool square = frame.height == frame.width;
  const double bottom = portrait ? 0.80 : 0.95;  // portrait keeps the bottom fifth clear

  if (kind == Layout::kPip) {
    // The product keeps the whole frame; the window sits top right, the product's box
    // moves out of its way (left of it, or below it in 9:16).
    const double w = portrait ? 0.44 : (square ? 0.34 : 0.26);
    const double h = w * 1.25 * frame.width / frame.height;
    layout.presenter = even(fraction(frame, 0.96 - w, 0.04, 0.96, 0.04 + h));
    layout.presenter_radius = static_cast<int>(std::lround(layout.presenter.width * 0.08));
    const double captions_start =
        with_captions ? static_cast<double>(layout.captions.y) / frame.height : bottom;
    if (portrait) {
      const double top = 0.04 + h + 0.02;
      layout.product = fraction(frame, 0.10, top, 0.90, captions_start - 0.02);
      if (with_title) layout.title = fraction(frame, 0.05, 0.05, 0.92 - w, 0.04 + h);
    } else {
      const double right = 0.96 - w - 0.03;
      const double top =
          with_title ? static_cast<double>(layout.title.br().y) / frame.height + 0.01 : 0.05;
      layout.product = fraction(frame, 0.06, top, right, captions_start - 0.02);
      if (with_title) layout.title = fraction(frame, 0.05, 0.05, right, top - 0.01);
    }
    return layout;
  }

  // presenter and split: a panel edge to edge on one side, the rest stacked beside it.
  const double share = kind == Layout::kSplit ? 0.5 : (square ? 0.56 : 0.6);
  if (portrait) {
    // The panel on top; captions over the panel's lower band (under the chin, checked
    // against the mouth by keep_captions_off); title and product below the panel.
    layout.presenter = even(fraction(frame, 0, 0, 1, share));
    stack(layout, frame, 0.05, share + 0.01, 0.95, bottom, with_title, false, 0);
    if (with_captions) layout.captions = fraction(frame, 0.05, share - 0.15, 0.95, share - 0.01);
  } else {
    layout.presenter = even(fraction(frame, 0, 0, share, 1));
    stack(layout, frame, share + 0.03, 0.05, 0.97, bottom, with_title, with_captions,
          square ? 0.3 : 0.26);
  }
  return layout;
}

cv::Rect scene_area(const FrameLayout& layout, cv::Size frame) {
  const cv::Rect p = layout.presenter;
  if (p.empty()) return cv::Rect({}, frame);
  if (p.height == frame.height) return {p.br().x, 0, frame.width - p.br().x, frame.height};
  if (p.width == frame.width) return {0, p.br().y, frame.width, frame.height - p.br().y};
  return cv::Rect({}, frame);
}

FrameLayout keep_captions_off(FrameLayout layout, cv::Rect mouth) {
  if (layout.captions.empty() || (layout.captions & mouth).empty()) return layout;
  const int min_height = layout.caption_font_px * 3;
  const cv::Rect c = layout.captions;
  if (c.br().y - mouth.br().y >= min_height) {
    layout.captions = cv::Rect(c.x, mouth.br().y, c.width, c.br().y - mouth.br().y);
  } else if (mouth.y - c.y >= min_height) {
    layout.captions = cv::Rect(c.x, c.y, c.width, mouth.y - c.y);
  } else {
    // No room around the mouth inside the box: the lines go just under the mouth.
    layout.captions = cv::Rect(c.x, mouth.br().y, c.width, min_height);
  }
  return layout;
}

}  // namespace pitchreel
