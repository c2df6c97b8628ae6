// Where things go in each output shape and layout: the product, the presenter, the
// captions and the title. Designed per shape rather than scaled from one template:
//
// - The product is the hero: its box is as large as the layout allows (showcase: about
//   0.85 of the frame's short side; presenter, split, pip: at least 0.5), so that a square
//   product measures at least 0.65 (showcase) / 0.45 (the others) of the short side on
//   screen even at the start of the camera move.
// - No band of more than 15% of the frame's height is left to the backdrop alone.
// - 9:16 is laid out for short-video apps: the title and captions stay inside their safe
//   zone (below the top 14% and above the bottom 20%, which the apps cover with their own
//   buttons and text), the presenter and the product are stacked to fill the frame.
// - Captions are never over the product, and never over the presenter's face: they sit
//   below the chin (keep_captions_off checks the mouth once the portrait is framed).
//
// Layouts: "showcase" (the product alone), "presenter" (the presenter's panel edge to
// edge, the product beside it, or below it in 9:16), "split" (half and half, stacked in
// 9:16), "pip" (the product fills the frame, the presenter in a rounded window in the top
// right corner).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace pitchreel {

enum class Layout { kShowcase, kPresenter, kSplit, kPip };
// In the order the API lists them (presenter first; showcase is the product alone).
inline constexpr std::array<Layout, 4> kLayouts = {Layout::kPresenter, Layout::kSplit, Layout::kPip,
                                                   Layout::kShowcase};

// "invalid_layout" with the accepted names.
Result<Layout> parse_layout(std::string_view text);
std::string layout_name(Layout layout);

struct FrameLayout {
  cv::Rect product;          // the product photo fits whole inside this box
  cv::Rect captions;         // captions are bottom-aligned inside this box
  cv::Rect title;            // empty when there is no title; the title is top-aligned in it
  cv::Rect presenter;        // empty in showcase; even origin and size
  int presenter_radius = 0;  // rounded corners of the presenter's window (pip)
  bool caption_plate = false;  // a dark card behind the captions (they are not over a panel)
  int caption_font_px = 0;
  int title_font_px = 0;      // the title's size when it fits on one line
  int title_min_font_px = 0;  // the floor it may shrink to (two lines, then an ellipsis)
};

// The product-only layout ("showcase").
FrameLayout showcase_layout(cv::Size frame, bool with_title, bool with_captions);

// Any layout; kShowcase gives showcase_layout.
FrameLayout make_layout(Layout layout, cv::Size frame, bool with_title, bool with_captions);

// Captions along the bottom of a full-frame picture (a GPU's video shown as it is).
FrameLayout bottom_captions_layout(cv::Size frame);

// What the presenter's panel leaves of the frame: the band beside or below it when the
// panel runs edge to edge (presenter, split), the whole frame otherwise (showcase, pip).
// The product scene is drawn only there.
cv::Rect scene_area(const FrameLayout& layout, cv::Size frame);

// Moves the caption box off `mouth` (frame pixels): below it when there is room for two
// lines, otherwise above it.
FrameLayout keep_captions_off(FrameLayout layout, cv::Rect mouth);

// The vertical band of a 9:16 frame that short-video apps leave free of their own
// buttons and text (frame pixels): where a portrait video's title and captions go.
cv::Rect vertical_safe_zone(cv::Size frame);

}  // namespace pitchreel
