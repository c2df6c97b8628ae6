#include "render/caption_ass_script.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "render/caption_metrics.h"
#include "render/caption_text.h"

namespace pitchreel {
namespace {

constexpr std::string_view kWordJoiner = "\u2060";
constexpr int kShadowAlpha = 0x80;
constexpr long long kPlateCentiseconds = 100LL * 60 * 60 * 9;  // nine hours: the whole video
constexpr std::string_view kPlateAlpha = "68";                  // about 60% opaque

long long centiseconds(double seconds) {
  return std::isfinite(seconds) && seconds > 0 ? std::llround(seconds * 100.0) : 0;
}

std::string ass_time(long long cs) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld.%02lld", cs / 360000, (cs / 6000) % 60,
                (cs / 100) % 60, cs % 100);
  return buffer;
}

int channel(double value) { return std::clamp(static_cast<int>(std::lround(value)), 0, 255); }

// The style line is comma separated, so a comma in the family would shift every field.
std::string font_family(const std::string& family) {
  std::string out;
  for (const char c : family) {
    if (c != ',' && c != '\n' && c != '\r') out += c;
  }
  return out.empty() ? std::string("DejaVu Sans") : out;
}

constexpr std::string_view kZeroWidthSpace = "\u200B";

struct Token {
  std::string text;
  std::string separator;  // what goes before it: " " or a zero-width space (CJK)
};

// Splits on spaces and on the zero-width spaces that separate CJK pieces.
std::vector<Token> split_tokens(const std::string& line) {
  std::vector<Token> tokens;
  std::string separator;
  std::size_t begin = 0;
  while (begin <= line.size()) {
    const std::size_t space = std::min(line.find(' ', begin), line.size());
    const std::size_t zw = std::min(line.find(kZeroWidthSpace, begin), line.size());
    const std::size_t end = std::min(space, zw);
    if (end > begin) {
      tokens.push_back({line.substr(begin, end - begin), tokens.empty() ? "" : separator});
    }
    if (end >= line.size()) break;
    separator = end == zw ? std::string(kZeroWidthSpace) : std::string(" ");
    begin = end + (end == zw ? kZeroWidthSpace.size() : 1);
  }
  return tokens;
}

struct CueText {
  std::vector<std::vector<Token>> lines;  // tokens, already escaped
  std::vector<std::size_t> word_of_token;       // word index each token shows
  std::string prefix;                           // overrides for the whole event
};

// Tokens map onto the cue's non-empty words in order; when a caller's lines don't match
// the words the cue is still shown, just without karaoke.
CueText cue_text(const std::vector<WordTiming>& words, const CaptionCue& cue,
                 const CaptionStyle& style) {
  CueText text;
  double widest = 0;
  for (const std::string& line : cue.lines) {
    const std::string clean = clean_caption_line(line);
    widest = std::max(widest, estimate_caption_line_width(clean, style.font_px));
    std::vector<Token> tokens = split_tokens(clean);
    for (Token& token : tokens) token.text = escape_ass_text(token.text);
    if (!tokens.empty()) text.lines.push_back(std::move(tokens));
  }
  const std::size_t last = std::min(cue.first_word + cue.word_count, words.size());
  for (std::size_t w = cue.first_word; w < last; ++w) {
    if (!clean_caption_word(words[w].text).empty()) text.word_of_token.push_back(w);
  }
  std::size_t token_count = 0;
  for (const auto& line : text.lines) token_count += line.size();
  if (token_count != text.word_of_token.size()) text.word_of_token.clear();

  // Lines are broken by the layout; one that is still too wide is shrunk, not clipped.
  const double usable = style.area.width - 2.0 * caption_outline_px(style.font_px);
  if (widest > usable && usable > 0) {
    const int percent = std::max(1, static_cast<int>(std::floor(100.0 * usable / widest)));
    text.prefix = "{\\fscx" + std::to_string(percent) + "\\fscy" + std::to_string(percent) + "}";
  }
  return text;
}

std::string event_text(const CueText& text, std::size_t highlight_token,
                       const CaptionStyle& style) {
  const std::string on = "{\\1c" + ass_colour(style.highlight_bgr) + "}";
  const std::string off = "{\\1c" + ass_colour(style.text_bgr) + "}";
  std::string out = text.prefix;
  std::size_t index = 0;
  for (std::size_t l = 0; l < text.lines.size(); ++l) {
    if (l > 0) out += "\\N";
    for (std::size_t t = 0; t < text.lines[l].size(); ++t, ++index) {
      const Token& token = text.lines[l][t];
      if (t > 0) out += token.separator;
      if (index == highlight_token) {
        out += on + token.text + off;
      } else {
        out += token.text;
      }
    }
  }
  return out;
}

// Words are drawn on layer 1, over the plate (layer 0).
void append_event(std::string& out, long long start_cs, long long end_cs, const std::string& text) {
  if (end_cs <= start_cs) return;
  out += "Dialogue: 1," + ass_time(start_cs) + "," + ass_time(end_cs) + ",Caption,,0,0,0,," + text +
         "\n";
}

// A translucent dark card with rounded corners over the whole caption area, shown for the
// whole video: the captions' place stays part of the design in the pauses too, and the
// words read on any picture.
void append_plate(std::string& out, cv::Rect area, int font_px) {
  const int w = area.width, h = area.height;
  const int r = std::min({font_px / 2, w / 2, h / 2});
  const auto n = [](int v) { return std::to_string(v); };
  std::string path = "m " + n(r) + " 0 l " + n(w - r) + " 0 b " + n(w) + " 0 " + n(w) + " 0 " +
                     n(w) + " " + n(r) + " l " + n(w) + " " + n(h - r) + " b " + n(w) + " " +
                     n(h) + " " + n(w) + " " + n(h) + " " + n(w - r) + " " + n(h) + " l " + n(r) +
                     " " + n(h) + " b 0 " + n(h) + " 0 " + n(h) + " 0 " + n(h - r) + " l 0 " +
                     n(r) + " b 0 0 0 0 " + n(r) + " 0";
  out += "Dialogue: 0," + ass_time(0) + "," + ass_time(kPlateCentiseconds) +
         ",Caption,,0,0,0,,{\\an7\\pos(" + n(area.x) + "," + n(area.y) +
         ")\\bord0\\shad0\\1c&H000000&\\1a&H" + std::string(kPlateAlpha) + "&\\p1}" + path + "{\\p0}\n";
}

void append_cue_events(std::string& out, const std::vector<WordTiming>& words,
                       const CaptionCue& cue, const CaptionStyle& style) {
  const CueText text = cue_text(words, cue, style);
  if (text.lines.empty()) return;
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const long long cue_start = centiseconds(cue.start);
  const long long cue_end = std::max(centiseconds(cue.end), cue_start);
  if (text.word_of_token.empty()) {
    append_event(out, cue_start, cue_end, event_text(text, kNone, style));
    return;
  }
  // Each word stays lit from its start until the next word starts (or the cue ends).
  std::vector<long long> starts;
  long long previous = cue_start;
  for (const std::size_t w : text.word_of_token) {
    previous = std::clamp(std::max(centiseconds(words[w].start), previous), cue_start, cue_end);
    starts.push_back(previous);
  }
  append_event(out, cue_start, starts.front(), event_text(text, kNone, style));
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const long long end = k + 1 < starts.size() ? starts[k + 1] : cue_end;
    append_event(out, starts[k], end, event_text(text, k, style));
  }
}

}  // namespace

std::string ass_colour(const cv::Scalar& bgr, int alpha) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "&H%02X%02X%02X%02X", std::clamp(alpha, 0, 255),
                channel(bgr[0]), channel(bgr[1]), channel(bgr[2]));
  return buffer;
}

std::string escape_ass_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    if (c == '{' || c == '}') {
      out += '\\';
      out += c;
    } else if (c == '\\') {
      out += '\\';
      out += kWordJoiner;
    } else {
      out += c;
    }
  }
  return out;
}

std::string build_caption_ass_script(cv::Size frame, const std::vector<WordTiming>& words,
                                     const std::vector<CaptionCue>& cues,
                                     const CaptionStyle& style) {
  const int font_px = std::max(style.font_px, 1);
  const int outline = caption_outline_px(font_px);
  const int shadow = caption_shadow_px(font_px);
  // Margins keep the outline and shadow inside the area too, not just the glyphs.
  const int margin_l = std::max(0, style.area.x + outline);
  const int margin_r = std::max(0, frame.width - style.area.br().x + outline);
  // Bottom-aligned captions measure MarginV from the frame's bottom, a top-aligned title
  // from its top.
  const int margin_v = style.align_top
                           ? std::max(0, style.area.y + outline)
                           : std::max(0, frame.height - style.area.br().y + outline + shadow);

  std::string out;
  out += "[Script Info]\nScriptType: v4.00+\n";
  out += "PlayResX: " + std::to_string(frame.width) + "\n";
  out += "PlayResY: " + std::to_string(frame.height) + "\n";
  out += "WrapStyle: 2\nScaledBorderAndShadow: yes\nKerning: yes\nYCbCr Matrix: None\n\n";
  out +=
      "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
      "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, "
      "Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, "
      "Encoding\n";
  out += "Style: Caption," + font_family(style.font_family) + "," + std::to_string(font_px) + "," +
         ass_colour(style.text_bgr) + "," + ass_colour(style.highlight_bgr) + "," +
         ass_colour(style.outline_bgr) + "," + ass_colour(style.outline_bgr, kShadowAlpha) +
         ",-1,0,0,0,100,100,0,0,1," + std::to_string(outline) + "," + std::to_string(shadow) +
         "," + std::to_string(style.align_top ? 8 : 2) + "," + std::to_string(margin_l) + "," +
         std::to_string(margin_r) + "," + std::to_string(margin_v) + ",-1\n\n";
  out +=
      "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
      "Effect, Text\n";
  if (style.plate) append_plate(out, style.area, font_px);
  CaptionStyle sized = style;
  sized.font_px = font_px;
  for (const CaptionCue& cue : cues) append_cue_events(out, words, cue, sized);
  return out;
}

}  // namespace pitchreel
