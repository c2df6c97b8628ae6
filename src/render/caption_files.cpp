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

// SubRip has no escapes, and a reader takes a line with "-->" for a cue's timing line (a
// script saying "00:00:01,000 --> 00:00:09,000" would start a cue of its own): the arrow
// is written as the arrow character instead.
std::string defuse_srt(std::string line) {
  for (std::size_t at = line.find("-->"); at != std::string::npos; at = line.find("-->", at)) {
    line.replace(at, 3, "\u2192");
  }
  return line;
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
    append_payload(out, cue, defuse_srt);
  }
  return out;
}

}  // namespace pitchreel
