#include "render/title_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/utf8.h"
#include "render/caption_metrics.h"
#include "render/caption_text.h"

namespace pitchreel {
namespace {

constexpr double kLineHeight = 1.25;  // libass line advance per font pixel, with margin
constexpr std::string_view kEllipsis = "\u2026";

double width_of(std::string_view line, int font_px) {
  return estimate_caption_line_width(line, font_px) + 2.0 * caption_outline_px(font_px);
}

// Break units: words when the title has spaces, code points otherwise (CJK, Thai),
// each unit carrying the separator that goes before it.
struct Unit {
  std::string text;
  bool space_before = false;
};

std::vector<Unit> units_of(const std::string& line) {
  std::vector<Unit> units;
  if (line.find(' ') != std::string::npos) {
    std::size_t begin = 0;
    while (begin <= line.size()) {
      const std::size_t space = std::min(line.find(' ', begin), line.size());
      if (space > begin) units.push_back({line.substr(begin, space - begin), !units.empty()});
      begin = space + 1;
    }
    return units;
  }
  for (std::size_t pos = 0; pos < line.size();) {
    const std::size_t start = pos;
    utf8::next(line, pos);
    units.push_back({line.substr(start, pos - start), false});
  }
  return units;
}

std::string join(const std::vector<Unit>& units, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin && units[i].space_before) out += ' ';
    out += units[i].text;
  }
  return out;
}

}  // namespace

int title_block_height(int lines, int font_px) {
  return static_cast<int>(std::ceil(lines * kLineHeight * font_px)) +
         2 * caption_outline_px(font_px);
}

FittedTitle fit_title(std::string_view title, cv::Size box, int font_px, int min_font_px) {
  FittedTitle fitted;
  const std::string line = clean_caption_line(title);
  if (line.empty()) return fitted;
  const std::vector<Unit> units = units_of(line);
  min_font_px = std::max(1, std::min(min_font_px, font_px));
  for (int fs = font_px; fs >= min_font_px; --fs) {
    fitted.font_px = fs;
    if (width_of(line, fs) <= box.width && title_block_height(1, fs) <= box.height) {
      fitted.lines = {line};
      return fitted;
    }
    if (units.size() < 2 || title_block_height(2, fs) > box.height) continue;
    // The most balanced split whose two lines both fit.
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_split = 0;
    for (std::size_t split = 1; split < units.size(); ++split) {
      const double a = width_of(join(units, 0, split), fs);
      const double b = width_of(join(units, split, units.size()), fs);
      if (a > box.width || b > box.width) continue;
      if (std::max(a, b) < best) best = std::max(a, b), best_split = split;
    }
    if (best_split > 0) {
      fitted.lines = {join(units, 0, best_split), join(units, best_split, units.size())};
      return fitted;
    }
  }
  // At the floor: fill the first line, then as much of the rest as fits with an ellipsis.
  const int fs = min_font_px;
  fitted.font_px = fs;
  fitted.shortened = true;
  const int lines = title_block_height(2, fs) <= box.height ? 2 : 1;
  std::size_t begin = 0;
  for (int l = 0; l < lines; ++l) {
    const bool last = l + 1 == lines;
    std::size_t end = begin;
    while (end < units.size()) {
      std::string candidate = join(units, begin, end + 1);
      if (last && end + 1 < units.size()) candidate += kEllipsis;
      if (width_of(candidate, fs) > box.width) break;
      ++end;
    }
    if (end == begin && begin < units.size()) end = begin + 1;  // one unit per line at least
    std::string text = join(units, begin, end);
    if (last && end < units.size()) text += kEllipsis;
    fitted.lines.push_back(std::move(text));
    begin = end;
    if (begin >= units.size()) break;
  }
  if (begin >= units.size() && fitted.lines.back().find(kEllipsis) == std::string::npos) {
    fitted.shortened = false;
  }
  return fitted;
}

}  // namespace pitchreel
