#include "render/frame_layout.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace pitchreel {
namespace {

// A rectangle given in fractions of the frame: x0, y0, x1, y1.
struct Box {
  double x0, y0, x1, y1;
};

cv::Rect px(cv::Size frame, Box b) {
  const auto at = [](double f, int n) { return static_cast<int>(std::lround(f * n)); };
  const int x = at(b.x0, frame.width), y = at(b.y0, frame.height);
  return {x, y, at(b.x1, frame.width) - x, at(b.y1, frame.height) - y};
}

cv::Rect even(cv::Rect r) {
  const int x = r.x - r.x % 2, y = r.y - r.y % 2;
  return {x, y, (r.br().x - x) / 2 * 2, (r.br().y - y) / 2 * 2};
}

enum class Shape { kWide, kSquare, kTall };

Shape shape_of(cv::Size frame) {
  if (frame.height > frame.width) return Shape::kTall;
  if (frame.height == frame.width) return Shape::kSquare;
  return Shape::kWide;
}

// The boxes of one design, in fractions; `title` and `captions` are used only when the
// video has them, and `product_alone` replaces `product` when it has neither.
struct Design {
  Box product;
  Box title;
  Box captions;
  Box product_no_title;  // the product when there is no title (captions still there)
  Box product_alone;     // neither title nor captions
};

void place(FrameLayout& layout, cv::Size frame, const Design& d, bool with_title,
           bool with_captions) {
  if (!with_title && !with_captions) {
    layout.product = px(frame, d.product_alone);
  } else {
    layout.product = px(frame, with_title ? d.product : d.product_no_title);
  }
  layout.title = with_title ? px(frame, d.title) : cv::Rect{};
  layout.captions = with_captions ? px(frame, d.captions) : cv::Rect{};
}

void set_fonts(FrameLayout& layout, cv::Size frame) {
  const int short_side = std::min(frame.width, frame.height);
  layout.caption_font_px = static_cast<int>(std::lround(short_side * 0.05));
  layout.title_font_px = static_cast<int>(std::lround(short_side * 0.06));
  layout.title_min_font_px = static_cast<int>(std::lround(short_side * 0.036));
}

// The 9:16 designs keep every word inside the apps' safe zone: y in [0.14, 0.80].
Design showcase_design(Shape shape) {
  switch (shape) {
    case Shape::kWide:  // the product on the left, the words in a column on the right
      return {{0.03, 0.05, 0.60, 0.95},
              {0.63, 0.10, 0.97, 0.40},
              {0.63, 0.42, 0.97, 0.90},
              {0.03, 0.05, 0.60, 0.95},
              {0.05, 0.04, 0.95, 0.96}};
    case Shape::kSquare:
      return {{0.03, 0.12, 0.97, 0.815},
              {0.04, 0.025, 0.96, 0.115},
              {0.04, 0.825, 0.96, 0.975},
              {0.03, 0.03, 0.97, 0.815},
              {0.03, 0.03, 0.97, 0.97}};
    case Shape::kTall:  // title, the caption plate, then the product down to the bottom
      return {{0.03, 0.365, 0.97, 0.975},
              {0.05, 0.14, 0.95, 0.235},
              {0.05, 0.24, 0.95, 0.36},
              {0.03, 0.365, 0.97, 0.975},
              {0.03, 0.20, 0.97, 0.80}};
  }
  return {};
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

cv::Rect vertical_safe_zone(cv::Size frame) { return px(frame, {0, 0.14, 1, 0.80}); }

FrameLayout showcase_layout(cv::Size frame, bool with_title, bool with_captions) {
  FrameLayout layout;
  set_fonts(layout, frame);
  place(layout, frame, showcase_design(shape_of(frame)), with_title, with_captions);
  // Square and 9:16 captions sit in a band of their own, which must not read as a leftover
  // strip of backdrop in the pauses.
  layout.caption_plate = with_captions && shape_of(frame) != Shape::kWide;
  return layout;
}

FrameLayout bottom_captions_layout(cv::Size frame) {
  FrameLayout layout;
  set_fonts(layout, frame);
  const bool tall = shape_of(frame) == Shape::kTall;
  layout.product = cv::Rect({}, frame);
  layout.captions = px(frame, tall ? Box{0.05, 0.66, 0.95, 0.80} : Box{0.05, 0.76, 0.95, 0.95});
  return layout;
}

FrameLayout make_layout(Layout kind, cv::Size frame, bool with_title, bool with_captions) {
  if (kind == Layout::kShowcase) return showcase_layout(frame, with_title, with_captions);
  FrameLayout layout;
  set_fonts(layout, frame);
  const Shape shape = shape_of(frame);

  if (kind == Layout::kPip) {
    // The product keeps the frame; the window sits top right, the product's box beside
    // it (below it in 9:16), the captions along the bottom (in the safe zone in 9:16).
    Design d;
    Box window;
    switch (shape) {
      case Shape::kWide:
        window = {0.72, 0.04, 0.98, 0.04 + 0.26 * 1.25 * 16 / 9};
        d = {{0.03, 0.16, 0.70, 0.77},
             {0.03, 0.04, 0.70, 0.15},
             {0.03, 0.78, 0.97, 0.965},
             {0.03, 0.05, 0.70, 0.77},
             {0.03, 0.05, 0.70, 0.95}};
        break;
      case Shape::kSquare:
        // A window narrower than a third of the frame leaves the face too small to read.
        window = {0.64, 0.02, 0.98, 0.02 + 0.34 * 1.25};
        d = {{0.02, 0.12, 0.62, 0.815},
             {0.03, 0.025, 0.62, 0.115},
             {0.04, 0.825, 0.96, 0.975},
             {0.02, 0.03, 0.62, 0.815},
             {0.02, 0.03, 0.62, 0.97}};
        break;
      case Shape::kTall:
        window = {0.62, 0.015, 0.97, 0.015 + 0.35 * 1.25 * 9 / 16};
        d = {{0.03, 0.38, 0.97, 0.975},
             {0.04, 0.14, 0.60, 0.255},
             {0.04, 0.265, 0.96, 0.375},
             {0.03, 0.38, 0.97, 0.975},
             {0.03, 0.28, 0.97, 0.975}};
        break;
    }
    layout.presenter = even(px(frame, window));
    layout.presenter_radius = static_cast<int>(std::lround(layout.presenter.width * 0.08));
    place(layout, frame, d, with_title, with_captions);
    layout.caption_plate = with_captions;
    return layout;
  }

  // presenter and split: the panel edge to edge on one side (on top in 9:16).
  const bool split = kind == Layout::kSplit;
  Design d;
  Box panel;
  switch (shape) {
    case Shape::kWide: {
      const double share = split ? 0.50 : 0.55;
      const double x0 = share + 0.02;
      panel = {0, 0, share, 1};
      d = {{x0, 0.17, 0.98, 0.76},
           {x0, 0.04, 0.98, 0.16},
           {x0, 0.77, 0.98, 0.96},
           {x0, 0.05, 0.98, 0.76},
           {x0, 0.05, 0.98, 0.95}};
      break;
    }
    case Shape::kSquare:
      // Half and half at most: the product's column must stay half the frame wide. The
      // presenter layout runs its captions across the frame under the presenter's chin.
      if (split) {
        panel = {0, 0, 0.48, 1};
        d = {{0.495, 0.15, 0.995, 0.75},
             {0.50, 0.03, 0.99, 0.14},
             {0.50, 0.76, 0.99, 0.97},
             {0.495, 0.04, 0.995, 0.75},
             {0.495, 0.04, 0.995, 0.96}};
      } else {
        panel = {0, 0, 0.47, 1};
        d = {{0.49, 0.15, 0.99, 0.80},
             {0.50, 0.03, 0.99, 0.14},
             {0.03, 0.82, 0.97, 0.97},
             {0.49, 0.04, 0.99, 0.80},
             {0.49, 0.04, 0.99, 0.96}};
      }
      break;
    case Shape::kTall: {
      // Stacked: the presenter on top, the captions over their chest (below the chin,
      // inside the safe zone), the title between the two, the product below.
      const double share = split ? 0.48 : 0.55;
      panel = {0, 0, 1, share};
      d = {{0.05, share + 0.075, 0.95, 0.975},
           {0.05, share + 0.005, 0.95, share + 0.07},
           {0.05, share - 0.13, 0.95, share - 0.005},
           {0.05, share + 0.02, 0.95, 0.975},
           {0.05, share + 0.02, 0.95, 0.975}};
      break;
    }
  }
  layout.presenter = even(px(frame, panel));
  place(layout, frame, d, with_title, with_captions);
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
