// Where things go in each output shape and layout: the product, the presenter, the
// captions and the title, all inside the title-safe area (5% in from every edge, the
// presenter's panel excepted: it runs to the frame's edge), captions never over the
// product and never over the presenter's mouth.
//
// Layouts: "showcase" (the product alone), "presenter" (the presenter large, the product
// card beside it, or below it in 9:16), "split" (half and half), "pip" (the product full
// frame, the presenter in a rounded window in the top right corner).
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
  cv::Rect title;            // empty when there is no title
  cv::Rect presenter;        // empty in showcase; even origin and size
  int presenter_radius = 0;  // rounded corners of the presenter's window (pip)
  int caption_font_px = 0;
  int title_font_px = 0;
};

// The product-only layout ("showcase").
FrameLayout showcase_layout(cv::Size frame, bool with_title, bool with_captions);

// Any layout; kShowcase gives showcase_layout.
FrameLayout make_layout(Layout layout, cv::Size frame, bool with_title, bool with_captions);

// What the presenter's panel leaves of the frame: the band beside or below it when the
// panel runs edge to edge (presenter, split), the whole frame otherwise (showcase, pip).
// The product scene is drawn only there.
cv::Rect scene_area(const FrameLayout& layout, cv::Size frame);

// Moves the caption box off `mouth` (frame pixels): below it when there is room for two
// lines, otherwise above it.
FrameLayout keep_captions_off(FrameLayout layout, cv::Rect mouth);

}  // namespace pitchreel
