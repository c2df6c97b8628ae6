// Fits a video's title into its box: one line at the layout's size when it fits; else two
// balanced lines, shrinking step by step down to a floor size; at the floor, the second
// line is shortened with an ellipsis. Widths are caption_metrics' estimates (wide for
// CJK), so a title judged to fit is drawn without libass shrinking it further.
//
// Pure and deterministic; text is cleaned as caption lines are (valid UTF-8, no controls).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace pitchreel {

struct FittedTitle {
  std::vector<std::string> lines;  // one or two; empty for an empty title
  int font_px = 0;
  bool shortened = false;  // an ellipsis replaced the end
};

// `box` is the title's box; `font_px` the preferred size, `min_font_px` the floor.
FittedTitle fit_title(std::string_view title, cv::Size box, int font_px, int min_font_px);

// The height a block of `lines` lines takes at `font_px`, outline included.
int title_block_height(int lines, int font_px);

}  // namespace pitchreel
