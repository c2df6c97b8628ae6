#include "render/caption_metrics.h"

#include <algorithm>
#include <cmath>

#include "core/text_classes.h"
#include "core/utf8.h"

namespace pitchreel {
namespace {

// Advance widths of DejaVu Sans Bold in units of font_px, grouped coarsely; CJK (Noto
// Sans CJK) is a full em.
double advance(char32_t cp) {
  if (cp == ' ' || cp == 0xA0) return 0.30;
  if (cp == 'i' || cp == 'j' || cp == 'l' || cp == 'I' || cp == '.' || cp == ',' || cp == ':' ||
      cp == ';' || cp == '!' || cp == '\'' || cp == '|') {
    return 0.33;
  }
  if (cp == 'f' || cp == 't' || cp == 'r') return 0.42;
  if (cp == 'm' || cp == 'w') return 0.88;
  if (cp == 'M' || cp == 'W') return 0.92;
  if (cp >= 'a' && cp <= 'z') return 0.60;
  if ((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) return 0.70;
  if (cp < 0x80) return 0.60;
  if (text::is_wide_glyph(cp)) return 1.0;  // East Asian wide and fullwidth
  return 0.68;  // accented Latin, Greek and Cyrillic run a little wider than ASCII
}

}  // namespace

int caption_outline_px(int font_px) {
  return std::max(1, static_cast<int>(std::lround(font_px / 12.0)));
}

int caption_shadow_px(int font_px) {
  return std::max(1, static_cast<int>(std::lround(font_px / 24.0)));
}

double estimate_caption_line_width(std::string_view line, int font_px) {
  double em = 0;
  for (std::size_t pos = 0; pos < line.size();) em += advance(utf8::next(line, pos));
  return em * std::max(font_px, 1);
}

}  // namespace pitchreel
