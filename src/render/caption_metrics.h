// Sizes derived from the caption font size, shared by the layout (how many characters fit
// on a line) and the ASS script (outline, shadow, margins, shrinking an overlong line).
// Widths are estimates for DejaVu Sans Bold as libass sizes it (font size = ascender +
// descender, so 1 em is about 0.86 * font_px); they are not measured.
#pragma once

#include <string_view>

namespace pitchreel {

// Average advance of running text (letters and spaces) as a fraction of font_px.
inline constexpr double kCaptionAverageGlyphWidth = 0.55;

int caption_outline_px(int font_px);

int caption_shadow_px(int font_px);

// Estimated advance width of a line in pixels; errs on the wide side for capitals so a
// line judged to fit really does.
double estimate_caption_line_width(std::string_view line, int font_px);

}  // namespace pitchreel
