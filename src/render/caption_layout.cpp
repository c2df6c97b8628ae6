// Groups words into cues: greedy two-line packing, cut at sentence ends, pulled back to
// a clause break when a cue would otherwise end mid-clause, then lines balanced.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "core/utf8.h"
#include "render/caption_metrics.h"
#include "render/caption_text.h"
#include "render/captions.h"

namespace pitchreel {
namespace {

// Short gaps between cues read as flicker; long enough cues are readable.
constexpr double kBridgeGapSeconds = 0.3;
constexpr double kMinCueSeconds = 0.7;
constexpr int kMaxLineCharsCap = 42;  // beyond this lines get hard to read at a glance
constexpr int kMinLineChars = 6;

struct Token {
  std::string text;  // cleaned; empty words take part in timing only
  int length = 0;    // code points
  bool ends_sentence = false;
  bool ends_clause = false;  // sentence end or , ; :
};

// The last code point that isn't a closing quote or bracket, so `said "yes."` ends a sentence.
char32_t final_mark(std::string_view text) {
  char32_t last = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::next(text, pos);
    const bool closer = cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' ||
                        cp == 0x2019 || cp == 0x201D || cp == 0x00BB;
    if (!closer) last = cp;
  }
  return last;
}

Token make_token(const std::string& word) {
  Token token;
  token.text = clean_caption_word(word);
  token.length = static_cast<int>(utf8::length(token.text));
  const char32_t mark = final_mark(token.text);
  token.ends_sentence = mark == '.' || mark == '!' || mark == '?' || mark == 0x2026 ||
                        mark == 0x037E || mark == 0x3002 || mark == 0xFF01 || mark == 0xFF1F;
  token.ends_clause = token.ends_sentence || mark == ',' || mark == ';' || mark == ':' ||
                      mark == 0x0387 || mark == 0x3001 || mark == 0xFF0C;
  return token;
}

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;  // exclusive
};

int text_length(const std::vector<Token>& tokens, Span span) {
  int length = 0;
  int count = 0;
  for (std::size_t i = span.begin; i < span.end; ++i) {
    if (tokens[i].length == 0) continue;
    length += tokens[i].length;
    ++count;
  }
  return length + std::max(count - 1, 0);
}

// How many tokens from `begin` the next cue takes.
std::size_t take_cue(const std::vector<Token>& tokens, std::size_t begin, int max_chars,
                     int max_lines) {
  int lines = 1;
  int line_length = 0;
  std::size_t end = begin;
  bool overflow = false;
  for (; end < tokens.size(); ++end) {
    const Token& token = tokens[end];
    if (token.length > 0) {
      if (line_length == 0) {
        line_length = token.length;  // a word longer than a line still gets one
      } else if (line_length + 1 + token.length <= max_chars) {
        line_length += 1 + token.length;
      } else if (lines < max_lines) {
        ++lines;
        line_length = token.length;
      } else {
        overflow = true;
        break;
      }
    }
    if (token.ends_sentence) {
      ++end;
      break;
    }
  }
  if (end == begin) return begin + 1;
  if (!overflow) return end;
  // Ending the cue at a clause break reads better, unless it leaves the cue half empty.
  const int full = text_length(tokens, {begin, end});
  for (std::size_t k = end - 1; k > begin; --k) {
    if (!tokens[k - 1].ends_clause) continue;
    if (2 * text_length(tokens, {begin, k}) >= full) return k;
    break;
  }
  return end;
}

std::string join(const std::vector<Token>& tokens, Span span) {
  std::string line;
  for (std::size_t i = span.begin; i < span.end; ++i) {
    if (tokens[i].text.empty()) continue;
    if (!line.empty()) line += ' ';
    line += tokens[i].text;
  }
  return line;
}

bool fits(const std::vector<Token>& tokens, Span span, int max_chars) {
  int words = 0;
  for (std::size_t i = span.begin; i < span.end; ++i) words += tokens[i].length > 0 ? 1 : 0;
  return words <= 1 || text_length(tokens, span) <= max_chars;
}

// One line when it fits, otherwise the most balanced valid two-line split, favouring a
// break after punctuation.
std::vector<std::string> break_lines(const std::vector<Token>& tokens, Span span, int max_chars,
                                     int max_lines) {
  std::vector<std::string> lines;
  if (max_lines < 2 || fits(tokens, span, max_chars)) {
    std::string line = join(tokens, span);
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
  }
  std::size_t best = span.end;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t split = span.begin + 1; split < span.end; ++split) {
    if (tokens[split].length == 0) continue;
    const Span first{span.begin, split};
    const Span second{split, span.end};
    if (text_length(tokens, first) == 0) continue;
    if (!fits(tokens, first, max_chars) || !fits(tokens, second, max_chars)) continue;
    double cost = std::max(text_length(tokens, first), text_length(tokens, second));
    std::size_t before = split - 1;
    while (before > span.begin && tokens[before].length == 0) --before;
    if (tokens[before].ends_clause) cost -= max_chars / 4.0;
    if (cost < best_cost) best_cost = cost, best = split;
  }
  if (best == span.end) {  // cannot happen for spans from take_cue; keep the text anyway
    lines.push_back(join(tokens, span));
    return lines;
  }
  lines.push_back(join(tokens, {span.begin, best}));
  lines.push_back(join(tokens, {best, span.end}));
  return lines;
}

double finite_or_zero(double t) { return std::isfinite(t) ? t : 0.0; }

void fix_timing(const std::vector<WordTiming>& words, std::vector<CaptionCue>& cues) {
  double previous_end = 0;
  for (CaptionCue& cue : cues) {
    cue.start = finite_or_zero(words[cue.first_word].start);
    cue.end = finite_or_zero(words[cue.first_word + cue.word_count - 1].end);
    cue.start = std::max(cue.start, previous_end);
    cue.end = std::max(cue.end, cue.start);
    previous_end = cue.end;
  }
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const double next_start =
        i + 1 < cues.size() ? cues[i + 1].start : std::numeric_limits<double>::infinity();
    CaptionCue& cue = cues[i];
    if (cue.end - cue.start < kMinCueSeconds) {
      cue.end = std::min(cue.start + kMinCueSeconds, next_start);
    }
    if (next_start - cue.end < kBridgeGapSeconds) cue.end = next_start;
  }
}

}  // namespace

std::vector<CaptionCue> layout_captions(const std::vector<WordTiming>& words,
                                        const CaptionLayout& layout) {
  const int max_chars = std::max(layout.max_line_chars, 1);
  const int max_lines = std::clamp(layout.max_lines, 1, 2);
  std::vector<Token> tokens;
  tokens.reserve(words.size());
  for (const WordTiming& word : words) tokens.push_back(make_token(word.text));

  std::vector<CaptionCue> cues;
  for (std::size_t begin = 0; begin < tokens.size();) {
    const std::size_t end = take_cue(tokens, begin, max_chars, max_lines);
    CaptionCue cue;
    cue.first_word = begin;
    cue.word_count = end - begin;
    cue.lines = break_lines(tokens, {begin, end}, max_chars, max_lines);
    cues.push_back(std::move(cue));
    begin = end;
  }
  fix_timing(words, cues);
  return cues;
}

CaptionLayout caption_layout_for(const CaptionStyle& style) {
  const int font_px = std::max(style.font_px, 1);
  const int usable = style.area.width - 2 * caption_outline_px(font_px);
  const double per_char = kCaptionAverageGlyphWidth * font_px;
  CaptionLayout layout;
  layout.max_line_chars =
      std::clamp(static_cast<int>(std::floor(usable / per_char)), kMinLineChars, kMaxLineCharsCap);
  return layout;
}

}  // namespace pitchreel
