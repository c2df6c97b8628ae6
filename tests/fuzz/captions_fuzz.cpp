// Caption text from a user's script through the layout (split_caption_words,
// layout_captions) into the three formats users get: the ASS script libass draws, WebVTT
// and SRT. The input is the script; its bytes also set each word's duration. Beyond
// crashes: every word lands in exactly one cue, cues are ordered and do not overlap; user
// text can never add an ASS override tag or line break, and every WebVTT/SRT file parses
// back into as many cues as have text, each a timing line and one or more text lines that
// are not mistaken for timings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "render/caption_ass_script.h"
#include "render/captions.h"

namespace {

using pitchreel::CaptionCue;
using pitchreel::WordTiming;

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + separator.size();
  }
}

// User text inside an event: a brace only escaped, a backslash only before a brace or the
// word joiner (U+2060) that keeps it from forming \N, \h or a tag.
void check_ass_user_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') std::abort();
    if ((text[i] == '{' || text[i] == '}') && (i == 0 || text[i - 1] != '\\')) std::abort();
    if (text[i] == '\\') {
      const std::string_view next = text.substr(i + 1);
      if (!next.starts_with("{") && !next.starts_with("}") && !next.starts_with("\xE2\x81\xA0")) std::abort();
      if (!next.starts_with("\xE2\x81\xA0")) ++i;  // the escaped brace
    }
  }
}

void check_ass(const std::string& script) {
  // Our own override blocks (the karaoke colours, the shrink of an overlong line) and the
  // break between a cue's two lines; a user's backslash is always followed by a word
  // joiner, so a bare \N can only be ours.
  static const std::regex ours(R"(\{\\1c&H[0-9A-F]{8}\}|\{\\fscx[0-9]+\\fscy[0-9]+\}|\\N)");
  for (const std::string& line : split(script, "\n")) {
    if (!line.starts_with("Dialogue: 1,")) continue;
    std::size_t at = 0;
    for (int comma = 0; comma < 9; ++comma) {
      at = line.find(',', at);
      if (at == std::string::npos) std::abort();
      ++at;
    }
    const std::string user = std::regex_replace(line.substr(at), ours, "");
    if (std::getenv("FUZZ_SHOW")) std::fprintf(stderr, "event text: %s\n", user.c_str());
    check_ass_user_text(user);
  }
}

bool is_timing(const std::string& line, char fraction) {
  static const std::regex vtt(R"([0-9]{2,}:[0-9]{2}:[0-9]{2}\.[0-9]{3} --> [0-9]{2,}:[0-9]{2}:[0-9]{2}\.[0-9]{3})");
  static const std::regex srt(R"([0-9]{2,}:[0-9]{2}:[0-9]{2},[0-9]{3} --> [0-9]{2,}:[0-9]{2}:[0-9]{2},[0-9]{3})");
  return std::regex_match(line, fraction == '.' ? vtt : srt);
}

// Blocks separated by one empty line; `header` lines first (WEBVTT), then per block an
// optional counter (SRT), the timing line, and non-empty text lines without "-->".
void check_cue_file(const std::string& file, std::size_t expected, bool srt) {
  std::string body = file;
  if (!srt) {
    if (!body.starts_with("WEBVTT\n\n")) std::abort();
    body.erase(0, 8);
  }
  if (expected == 0) {
    if (!body.empty()) std::abort();
    return;
  }
  if (!body.ends_with("\n\n")) std::abort();
  body.resize(body.size() - 2);
  const auto blocks = split(body, "\n\n");
  if (blocks.size() != expected) std::abort();
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    auto lines = split(blocks[b], "\n");
    std::size_t first = 0;
    if (srt) {
      if (lines[0] != std::to_string(b + 1)) std::abort();
      first = 1;
    }
    if (lines.size() < first + 2 || !is_timing(lines[first], srt ? ',' : '.')) std::abort();
    for (std::size_t i = first + 1; i < lines.size(); ++i) {
      if (lines[i].empty() || lines[i].find("-->") != std::string::npos) std::abort();
      if (lines[i].find('\r') != std::string::npos) std::abort();
      if (!srt && (lines[i].find('<') != std::string::npos || lines[i].find('>') != std::string::npos)) {
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 4096) return 0;
  const int max_line_chars = 6 + data[0] % 40;
  const std::string_view script(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<WordTiming> words;
  double t = 0.2;
  for (const std::string& word : split(script, " ")) {
    const double length = 0.05 + static_cast<unsigned char>(word.empty() ? 0 : word[0]) / 300.0;
    words.push_back({word, t, t + length});
    t += length + (word.size() % 3 == 0 ? 0.4 : 0.0);
  }
  words = pitchreel::split_caption_words(words, 12);
  const auto cues = pitchreel::layout_captions(words, {max_line_chars, 2});

  std::size_t next_word = 0;
  std::size_t with_text = 0;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const CaptionCue& cue = cues[i];
    if (cue.first_word != next_word || cue.word_count == 0) std::abort();
    next_word += cue.word_count;
    if (!(cue.start < cue.end) || (i > 0 && cue.start < cues[i - 1].end)) std::abort();
    if (cue.lines.size() > 2) std::abort();
    bool text = false;
    for (const auto& line : cue.lines) text = text || !line.empty();
    with_text += text ? 1 : 0;
  }
  if (next_word != words.size()) std::abort();

  pitchreel::CaptionStyle style;
  style.area = cv::Rect(40, 400, 1200, 280);
  check_ass(pitchreel::build_caption_ass_script(cv::Size(1280, 720), words, cues, style));
  check_cue_file(pitchreel::to_webvtt(cues), with_text, false);
  check_cue_file(pitchreel::to_srt(cues), with_text, true);
  return 0;
}
