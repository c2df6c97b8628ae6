#include "tts/word_alignment.h"

#include <algorithm>
#include <optional>

#include "core/utf8.h"

namespace pitchreel {
namespace {

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct Token {
  std::string_view text;
  std::size_t first_char = 0;  // 1-based code point positions, inclusive
  std::size_t last_char = 0;
};

std::vector<Token> tokenize(std::string_view script) {
  std::vector<Token> tokens;
  std::size_t char_index = 0;  // 1-based position of the code point at `pos`
  std::size_t pos = 0;
  while (pos < script.size()) {
    if (is_ascii_space(script[pos])) {
      ++pos, ++char_index;
      continue;
    }
    Token token;
    const std::size_t begin = pos;
    token.first_char = char_index + 1;
    while (pos < script.size() && !is_ascii_space(script[pos])) {
      pos += utf8::decode(script, pos).length;
      ++char_index;
    }
    token.text = script.substr(begin, pos - begin);
    token.last_char = char_index;
    tokens.push_back(token);
  }
  return tokens;
}

std::size_t chars(const Token& t) { return t.last_char - t.first_char + 1; }

bool is_pause(const PhonemeTiming& p) { return !p.phoneme.empty() && p.phoneme.front() == '_'; }

// End of the voiced speech in [start, limit): the first pause after the last voiced phoneme.
double speech_end(double start, double limit, std::span<const PhonemeTiming> phonemes) {
  std::optional<double> pause_start;
  for (const PhonemeTiming& p : phonemes) {
    if (p.start < start) continue;
    if (p.start >= limit) break;
    if (is_pause(p)) {
      if (!pause_start) pause_start = p.start;
    } else {
      pause_start.reset();
    }
  }
  return pause_start && *pause_start > start ? *pause_start : limit;
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view script) {
  std::vector<std::string_view> words;
  for (const Token& t : tokenize(script)) words.push_back(t.text);
  return words;
}

std::vector<WordTiming> align_words(std::string_view script, std::span<const WordStartEvent> events,
                                    std::span<const PhonemeTiming> phonemes, double duration) {
  const std::vector<Token> tokens = tokenize(script);
  if (tokens.empty() || duration <= 0) return {};

  // First event per token; events that point back to an earlier word are engine noise.
  std::vector<std::optional<double>> starts(tokens.size());
  std::size_t current = 0;
  double last_time = 0;
  for (const WordStartEvent& e : events) {
    // Positions between words (spaces, dropped punctuation) belong to the next word.
    const auto it = std::ranges::lower_bound(tokens, e.char_position, {}, &Token::last_char);
    const std::size_t index =
        it == tokens.end() ? tokens.size() - 1 : static_cast<std::size_t>(it - tokens.begin());
    if (index < current) continue;
    current = index;
    last_time = std::clamp(e.time, last_time, duration);
    if (!starts[index]) starts[index] = last_time;
  }

  // Groups of tokens that start at the same moment share that group's span evenly.
  struct Group {
    double start;
    std::size_t first;
    std::size_t count;
  };
  std::vector<Group> groups;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const bool new_group =
        starts[i].has_value() && !groups.empty() && *starts[i] > groups.back().start;
    if (groups.empty()) {
      groups.push_back({starts[i].value_or(0.0), i, 1});
    } else if (new_group) {
      groups.push_back({*starts[i], i, 1});
    } else {
      ++groups.back().count;
    }
  }
  // A start at the very end of the audio would leave no room for the word.
  constexpr double kMinimumSpan = 0.001;
  while (groups.size() > 1 && groups.back().start > duration - kMinimumSpan) {
    const std::size_t count = groups.back().count;
    groups.pop_back();
    groups.back().count += count;
  }
  groups.front().start = std::min(groups.front().start, std::max(0.0, duration - kMinimumSpan));

  std::vector<WordTiming> timings;
  timings.reserve(tokens.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double limit = g + 1 < groups.size() ? groups[g + 1].start : duration;
    const double end = speech_end(groups[g].start, limit, phonemes);
    // Share by length, so an unspoken "—" takes little of the word before it.
    std::size_t total_chars = 0;
    for (std::size_t k = 0; k < groups[g].count; ++k)
      total_chars += chars(tokens[groups[g].first + k]);
    const double per_char = (end - groups[g].start) / static_cast<double>(total_chars);
    double word_start = groups[g].start;
    for (std::size_t k = 0; k < groups[g].count; ++k) {
      const Token& token = tokens[groups[g].first + k];
      const double word_end = k + 1 == groups[g].count
                                  ? end
                                  : word_start + per_char * static_cast<double>(chars(token));
      timings.push_back({std::string(token.text), word_start, word_end});
      word_start = word_end;
    }
  }
  return timings;
}

}  // namespace pitchreel
