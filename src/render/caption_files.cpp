// WebVTT and SubRip files written beside the video, for players and accessibility.
#include <cmath>
#include <cstdio>
#include <string_view>

#include "render/captions.h"

namespace pitchreel {
namespace {

std::string timestamp(double seconds, char fraction_separator) {
  const long long total_ms =
      std::isfinite(seconds) && seconds > 0 ? std::llround(seconds * 1000.0) : 0;
  const long long ms = total_ms % 1000;
  const long long s = (total_ms / 1000) % 60;
  const long long m = (total_ms / 60000) % 60;
  const long long h = total_ms / 3600000;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld%c%03lld", h, m, s, fraction_separator,
                ms);
  return buffer;
}

// A line break inside a cue line would end the cue early in both formats.
std::string single_line(std::string_view line) {
  std::string out(line);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::string escape_vtt(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (const char c : line) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool has_text(const CaptionCue& cue) {
  for (const std::string& line : cue.lines) {
    if (!line.empty()) return true;
  }
  return false;
}

template <typename Escape>
void append_payload(std::string& out, const CaptionCue& cue, Escape escape) {
  for (const std::string& line : cue.lines) {
    if (line.empty()) continue;  // an empty line would end the cue
    out += escape(single_line(line));
    out += '\n';
  }
  out += '\n';
}

}  // namespace

std::string to_webvtt(const std::vector<CaptionCue>& cues) {
  std::string out = "WEBVTT\n\n";
  for (const CaptionCue& cue : cues) {
    if (!has_text(cue)) continue;
    out += timestamp(cue.start, '.') + " --> " + timestamp(cue.end, '.') + '\n';
    append_payload(out, cue, escape_vtt);
  }
  return out;
}

std::string to_srt(const std::vector<CaptionCue>& cues) {
  std::string out;
  int index = 0;
  for (const CaptionCue& cue : cues) {
    if (!has_text(cue)) continue;
    out += std::to_string(++index) + '\n';
    out += timestamp(cue.start, ',') + " --> " + timestamp(cue.end, ',') + '\n';
    append_payload(out, cue, [](std::string line) { return line; });
  }
  return out;
}

}  // namespace pitchreel
