#include "tts/edge_word_timing.h"

#include <algorithm>
#include <optional>
#include <string>

#include "core/text_classes.h"
#include "core/utf8.h"
#include "tts/word_alignment.h"

namespace pitchreel::edge {
namespace {

constexpr double kTicksPerSecond = 10'000'000.0;
constexpr double kMinWordS = 0.01;

// Letters and digits only (core/text_classes.h), folded to lower case: "Hello," and
// "hello", "ÜBER" and "über" match, "—" and "„" are not words.
std::string key_of(std::string_view text) {
  std::string key;
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::Decoded d = utf8::decode(text, pos);
    pos += d.length;
    if (!d.valid || !text::is_word_char(d.code_point)) continue;
    utf8::append(key, text::to_lower(d.code_point));
  }
  return key;
}

struct Span {
  std::optional<double> start, end;
};

}  // namespace

std::vector<WordTiming> words_from_boundaries(std::string_view script,
                                              std::span<const WordBoundary> boundaries,
                                              double duration) {
  const auto words = split_words(script);
  // The script's keys laid end to end, with the word each key byte belongs to.
  std::string stream;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string key = key_of(words[i]);
    stream += key;
    owner.insert(owner.end(), key.size(), i);
  }
  std::vector<Span> spans(words.size());
  std::size_t cursor = 0;
  for (const WordBoundary& b : boundaries) {
    const std::string key = key_of(b.text);
    if (key.empty()) continue;
    const std::size_t at = stream.find(key, cursor);
    if (at == std::string::npos) continue;  // a word the service made up (an expansion): skip
    const double start = std::clamp(b.offset_ticks / kTicksPerSecond, 0.0, duration);
    const double end =
        std::clamp((b.offset_ticks + b.duration_ticks) / kTicksPerSecond, start, duration);
    for (std::size_t i = owner[at]; i <= owner[at + key.size() - 1]; ++i) {
      if (!spans[i].start) spans[i].start = start;
      spans[i].end = std::max(spans[i].end.value_or(end), end);
    }
    cursor = at + key.size();
  }

  std::vector<WordTiming> timings(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) timings[i].text = std::string(words[i]);
  // Words without a boundary: the gap from the previous timed word's end to the next timed
  // word's start, shared equally.
  std::size_t i = 0;
  double previous_end = 0;
  while (i < words.size()) {
    if (spans[i].start) {
      timings[i].start = std::max(*spans[i].start, previous_end);
      timings[i].end = std::max(*spans[i].end, timings[i].start);
      previous_end = timings[i].end;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < words.size() && !spans[j].start) ++j;
    const double gap_end = j < words.size() ? std::max(*spans[j].start, previous_end) : duration;
    const double step = (gap_end - previous_end) / double(j - i);
    for (std::size_t k = i; k < j; ++k) {
      timings[k].start = previous_end + step * double(k - i);
      timings[k].end = timings[k].start + step;
    }
    previous_end = gap_end;
    i = j;
  }
  // Zero-length words (a boundary of no duration, a gap of nothing) get a sliver of time
  // taken from what follows, so every word has start < end where the audio allows it.
  for (std::size_t k = 0; k < timings.size(); ++k) {
    WordTiming& t = timings[k];
    if (t.end - t.start >= kMinWordS) continue;
    t.end = std::min(duration, t.start + kMinWordS);
    if (k + 1 < timings.size() && timings[k + 1].start < t.end) {
      timings[k + 1].start = t.end;
      timings[k + 1].end = std::max(timings[k + 1].end, t.end);
    }
  }
  return timings;
}

}  // namespace pitchreel::edge
