// The cue times of a WebVTT caption file, for tests that check where captions fall.
#pragma once

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

namespace pitchreel::testing {

struct CueTimes {
  double start = 0;  // seconds
  double end = 0;
};

// Every "HH:MM:SS.mmm --> HH:MM:SS.mmm" line of `vtt`, in file order.
inline std::vector<CueTimes> parse_vtt(const std::string& vtt) {
  const auto seconds = [](const std::string& s) {
    int h = 0, m = 0, sec = 0, ms = 0;
    std::sscanf(s.c_str(), "%d:%d:%d.%d", &h, &m, &sec, &ms);
    return h * 3600 + m * 60 + sec + ms / 1000.0;
  };
  std::vector<CueTimes> cues;
  const std::regex line(R"((\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d))");
  for (std::sregex_iterator it(vtt.begin(), vtt.end(), line), end; it != end; ++it) {
    cues.push_back({seconds((*it)[1]), seconds((*it)[2])});
  }
  return cues;
}

}  // namespace pitchreel::testing
