// Where things go in each output shape: the product, the captions and the title, all
// inside the title-safe area (5% in from every edge), captions never over the product.
#pragma once

#include <opencv2/core.hpp>

namespace pitchreel {

struct FrameLayout {
  cv::Rect product;   // the product photo fits whole inside this box
  cv::Rect captions;  // captions are bottom-aligned inside this box
  cv::Rect title;     // empty when there is no title
  int caption_font_px = 0;
  int title_font_px = 0;
};

// The product-only layout ("showcase").
FrameLayout showcase_layout(cv::Size frame, bool with_title, bool with_captions);

}  // namespace pitchreel
