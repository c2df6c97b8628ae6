// Groups words into cues: greedy two-line packing, cut at sentence ends, pulled back to
// a clause break when a cue would otherwise end mid-clause, then lines balanced.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "core/text_classes.h"
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
constexpr std::string_view kZeroWidthSpace = "\u200B";

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

// Code points, a CJK character counting as two (it is a full em wide).
int display_length(std::string_view text) {
  int length = 0;
  for (std::size_t pos = 0; pos < text.size();) length += text::is_wide_glyph(utf8::next(text, pos)) ? 2 : 1;
  return length;
}

bool wide_at_end(std::string_view text) {
  char32_t last = 0;
  for (std::size_t pos = 0; pos < text.size();) last = utf8::next(text, pos);
  return text::is_wide_glyph(last);
}

bool wide_at_start(std::string_view text) {
  std::size_t pos = 0;
  return !text.empty() && text::is_wide_glyph(utf8::next(text, pos));
}

bool cjk_sentence_end(char32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B;  // 。！？；
}
bool cjk_clause_end(char32_t cp) { return cp == 0xFF0C || cp == 0x3001; }  // ，、

Token make_token(const std::string& word) {
  Token token;
  token.text = clean_caption_word(word);
  token.length = display_length(token.text);
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
    // CJK runs are written without spaces; a zero-width space keeps the pieces apart for
    // the karaoke (caption_ass_script splits on it) and shows nothing.
    if (!line.empty()) {
      line += wide_at_end(line) && wide_at_start(tokens[i].text) ? kZeroWidthSpace : " ";
    }
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

std::vector<WordTiming> split_caption_words(const std::vector<WordTiming>& words,
                                            int max_piece_chars) {
  max_piece_chars = std::max(max_piece_chars, 2);
  std::vector<WordTiming> out;
  out.reserve(words.size());
  for (const WordTiming& word : words) {
    const std::string text = clean_caption_word(word.text);
    // Pieces: cut after CJK sentence and clause marks, and every max_piece_chars of a
    // run of wide characters.
    std::vector<std::string> pieces;
    std::string piece;
    int wide_run = 0;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t start = pos;
      const char32_t cp = utf8::next(text, pos);
      piece.append(text, start, pos - start);
      wide_run = text::is_wide_glyph(cp) ? wide_run + 1 : 0;
      const bool mark = cjk_sentence_end(cp) || cjk_clause_end(cp);
      if (mark || wide_run >= max_piece_chars) {
        // Keep closing punctuation that follows with the piece it closes.
        std::size_t peek = pos;
        if (peek < text.size()) {
          const char32_t next = utf8::next(text, peek);
          if (cjk_sentence_end(next) || cjk_clause_end(next) || next == 0x300D || next == 0x300F ||
              next == 0xFF09) {
            continue;
          }
        }
        pieces.push_back(std::move(piece));
        piece.clear();
        wide_run = 0;
      }
    }
    if (!piece.empty()) pieces.push_back(std::move(piece));
    if (pieces.size() <= 1) {
      out.push_back(word);
      continue;
    }
    // Times shared out by characters: the voice spends about the same on each.
    int total = 0;
    for (const auto& p : pieces) total += static_cast<int>(utf8::length(p));
    const double span = std::max(0.0, finite_or_zero(word.end) - finite_or_zero(word.start));
    double t = finite_or_zero(word.start);
    for (const auto& p : pieces) {
      const double d = span * static_cast<double>(utf8::length(p)) / std::max(total, 1);
      out.push_back({p, t, t + d});
      t += d;
    }
  }
  return out;
}

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
