#include "script/benefit_picker.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/utf8.h"
#include "core/text_classes.h"

namespace pitchreel {
namespace {

constexpr std::size_t kMinBenefitChars = 20;  // shorter cuts lose the point of the sentence

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_abbreviation(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kAbbreviations = {
      "e.g", "i.e", "etc", "vs", "mr", "mrs", "dr", "approx", "incl", "no", "ca", "max"};
  return std::ranges::find(kAbbreviations, lower_ascii(word)) != kAbbreviations.end();
}

// The final code point of `s`; 0 when empty.
char32_t last_code_point(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t last = s.size() - 1;
  while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
  return utf8::decode(s, last).code_point;
}

// Question marks of the scripts shops write in: ASCII, fullwidth, Arabic, Greek.
bool is_question(char32_t c) { return c == U'?' || c == 0xFF1F || c == 0x061F || c == 0x037E; }

bool is_cjk_stop(char32_t c) { return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B; }
bool is_separator(char32_t c) { return c == U'•' || c == U'|' || c == U'·'; }

// Sentences of one line, as views into it. Separators like " • " also end a piece,
// because shop copy often lists features on one line.
std::vector<std::string_view> split_sentences(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t pos = 0; pos < line.size();) {
    const utf8::Decoded cp = utf8::decode(line, pos);
    const std::size_t next = pos + cp.length;
    const bool space_after = next >= line.size() || line[next] == ' ';
    const bool space_before = pos > 0 && line[pos - 1] == ' ';
    if (text::is_sentence_end(cp.code_point) && space_after) {
      const std::size_t word_start =
          line.rfind(' ', pos) == std::string_view::npos ? 0 : line.rfind(' ', pos) + 1;
      if (!(cp.code_point == U'.' && is_abbreviation(line.substr(word_start, pos - word_start)))) {
        out.push_back(line.substr(start, next - start));
        start = next;
      }
    } else if (is_cjk_stop(cp.code_point)) {
      out.push_back(line.substr(start, next - start));
      start = next;
    } else if (is_separator(cp.code_point) && space_before && space_after) {
      out.push_back(line.substr(start, pos - start));
      start = next;
    }
    pos = next;
  }
  if (start < line.size()) out.push_back(line.substr(start));
  return out;
}

bool is_trailing_punctuation(char32_t c) {
  return c == U' ' || text::is_terminal_punctuation(c);
}

// Drops leading spaces and trailing spaces/punctuation; the script adds its own ".".
std::string_view trim_piece(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty()) {
    std::size_t last = s.size() - 1;  // start of the final code point
    while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
    if (!is_trailing_punctuation(utf8::decode(s, last).code_point)) break;
    s.remove_suffix(s.size() - last);
  }
  return s;
}

// Cuts a long sentence back to its last clause boundary that fits in `max_chars`.
std::string_view shorten(std::string_view s, std::size_t max_chars = kMaxBenefitChars) {
  if (utf8::length(s) <= max_chars) return s;
  const std::string_view head = utf8::prefix(s, max_chars);
  // A boundary right after the limit still leaves a prefix that fits.
  const std::string_view search = utf8::prefix(s, max_chars + 2);
  const std::size_t min_bytes = utf8::prefix(s, kMinBenefitChars).size();
  std::size_t best = std::string_view::npos;
  for (std::string_view boundary : {", ", "; ", ": ", " – ", " — ", " (", "，", "、", "；"}) {
    const std::size_t at = search.rfind(boundary);
    if (at != std::string_view::npos && at >= min_bytes &&
        (best == std::string_view::npos || at > best))
      best = at;
  }
  if (best == std::string_view::npos) {
    const std::size_t space = search.rfind(' ');
    if (space != std::string_view::npos && space >= min_bytes) best = space;
  }
  return trim_piece(best == std::string_view::npos ? head : head.substr(0, best));
}

bool is_boilerplate(const std::string& lower) {
  static constexpr std::array<std::string_view, 14> kBoilerplate = {
      "shipping",  "add to cart",  "buy now",    "click",  "cookie",
      "copyright", "all rights",   "subscribe",  "sku",    "in stock",
      "order now", "free returns", "newsletter", "reviews"};
  return std::ranges::any_of(
      kBoilerplate, [&](std::string_view b) { return lower.find(b) != std::string::npos; });
}

int score(std::string_view benefit) {
  static constexpr std::array<std::string_view, 26> kFeatureWords = {
      " with ",    " has ",    " have ",   "made ",   "feature", "include",     "built",
      "designed",  "keeps",    " lets ",   " fits",   "lasts",   "up to",       "proof",
      "resistant", "battery",  "charg",    "hours",   "durable", "lightweight", "adjustable",
      "stainless", "recycled", "wireless", "organic", "comfort"};
  // Padded so " has " also matches at either end. Built with append: GCC 12 warns
  // falsely (-Wrestrict) about `" " + std::string`.
  std::string lower(" ");
  lower.append(lower_ascii(benefit)).append(" ");
  int points = 0;
  int hits = 0;
  for (std::string_view w : kFeatureWords) hits += lower.find(w) != std::string::npos ? 1 : 0;
  points += std::min(hits, 3) * 2;
  if (std::ranges::any_of(benefit,
                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    ++points;
  const std::size_t chars = utf8::length(benefit);
  if (chars >= 25 && chars <= kMaxBenefitChars) ++points;
  if (lower.starts_with(" we ") || lower.starts_with(" our ") || lower.starts_with(" i ")) --points;
  return points;
}

bool is_call_to_action(std::string_view benefit, std::span<const std::string_view> markers) {
  const std::string lower = lower_ascii(benefit);
  return std::ranges::any_of(markers, [&](std::string_view m) { return lower.starts_with(m); });
}

// The sentence's own closing mark, kept so that "¡...!" stays balanced and an exclamation
// stays one; a sentence cut back at a clause ends in a plain stop.
std::string ending_of(std::string_view raw_sentence, std::string_view benefit) {
  if (trim_piece(raw_sentence) == benefit) {
    std::string_view raw = raw_sentence;
    while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
    for (std::string_view mark : {"!", "…", "。", "！", "."}) {
      if (raw.ends_with(mark)) return std::string(mark);
    }
    // Another script's own full stop ("।", "۔") closes the sentence as written.
    if (const char32_t mark = last_code_point(raw); text::is_sentence_end(mark) && !is_question(mark)) {
      std::string out;
      utf8::append(out, mark);
      return out;
    }
  }
  return benefit.starts_with("¡") ? "!" : ".";
}

bool worth_saying(std::string_view raw_sentence, std::string_view benefit) {
  const std::size_t last = raw_sentence.find_last_not_of(' ');
  const std::string_view raw =
      raw_sentence.substr(0, last == std::string_view::npos ? 0 : last + 1);
  if (is_question(last_code_point(raw))) return false;  // questions sell, not tell
  std::size_t letters = 0;
  for (std::size_t pos = 0; pos < benefit.size();) {
    letters += text::is_letter(utf8::next(benefit, pos)) ? 1 : 0;
  }
  // Unspaced text is CJK-like, where four characters already say something.
  const bool spaced = benefit.find(' ') != std::string_view::npos;
  const auto words = static_cast<std::size_t>(std::ranges::count(benefit, ' ')) + 1;
  if (letters < 4 || (spaced && words < 3)) return false;
  return !is_boilerplate(lower_ascii(benefit));
}

struct Candidate {
  std::string_view text;
  std::string_view sentence;  // as written, with its punctuation
  std::size_t position;
  int score;
};

}  // namespace

std::vector<Benefit> pick_benefits(std::string_view cleaned, std::size_t max_count,
                                   std::size_t budget_chars,
                                   std::span<const std::string_view> cta_markers) {
  std::vector<Candidate> candidates;
  std::size_t line_start = 0;
  while (line_start < cleaned.size()) {
    const std::size_t line_end = std::min(cleaned.find('\n', line_start), cleaned.size());
    for (std::string_view sentence :
         split_sentences(cleaned.substr(line_start, line_end - line_start))) {
      const std::string_view benefit = shorten(trim_piece(sentence));
      if (worth_saying(sentence, benefit) && !is_call_to_action(benefit, cta_markers)) {
        candidates.push_back({benefit, sentence, candidates.size(), score(benefit)});
      }
    }
    line_start = line_end + 1;
  }

  std::ranges::stable_sort(
      candidates, [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  std::vector<Candidate> chosen;
  std::size_t used = 0;
  for (const Candidate& c : candidates) {
    if (chosen.size() == max_count) break;
    Candidate pick = c;
    const std::size_t left = budget_chars - used;
    // A sentence too long for what is left may still fit cut back at a clause.
    if (utf8::length(pick.text) + 2 > left && left >= kMinBenefitChars + 2) {
      pick.text = shorten(pick.text, left - 2);
    }
    const std::size_t cost = utf8::length(pick.text) + 2;
    const bool duplicate = std::ranges::any_of(
        chosen, [&](const Candidate& o) { return lower_ascii(o.text) == lower_ascii(pick.text); });
    if (duplicate || cost > left || utf8::length(pick.text) < 4) continue;
    chosen.push_back(pick);
    used += cost;
  }
  std::ranges::sort(chosen, {}, &Candidate::position);
  std::vector<Benefit> out;
  for (const Candidate& c : chosen) out.push_back({std::string(c.text), ending_of(c.sentence, c.text)});
  return out;
}

}  // namespace pitchreel
