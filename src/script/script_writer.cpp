#include "script/script_writer.h"

#include <algorithm>
#include <cctype>

#include "core/utf8.h"
#include "script/benefit_picker.h"
#include "script/description_text.h"
#include "script/language_guess.h"
#include "script/script_phrases.h"
#include "core/text_classes.h"

namespace pitchreel {
namespace {

constexpr std::size_t kMaxBenefits = 3;
constexpr std::size_t kMaxNameChars = 80;   // a name, not a title with every variant in it
constexpr std::size_t kLongNameChars = 40;  // longer names are shortened at a boundary
constexpr std::size_t kMinNameChars = 8;    // ... that leaves at least this much

// Cuts at the last space that fits, so a long name is not broken inside a word.
std::string_view cut_at_word(std::string_view s, std::size_t max_chars) {
  if (utf8::length(s) <= max_chars) return s;
  const std::string_view head = utf8::prefix(s, max_chars);
  const std::size_t space = head.rfind(' ');
  return space == std::string_view::npos || space == 0 ? head : head.substr(0, space);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Sony WH-1000XM5 Wireless Headphones with Spatial Audio, Black" -> "Sony WH-1000XM5
// Wireless Headphones": the name proper ends at the first comma, parenthesis, dash or
// joining word ("with", "mit", "con") after its first few characters.
std::string_view shorten_name(std::string_view name, const phrases::LanguagePhrases& words) {
  if (utf8::length(name) <= kLongNameChars) return name;
  const std::string lower = lower_ascii(name);
  const std::size_t min_bytes = utf8::prefix(name, kMinNameChars).size();
  std::size_t best = std::string_view::npos;
  const auto consider = [&](std::string_view boundary) {
    const std::size_t at = lower.find(boundary, min_bytes);
    if (at != std::string::npos && at < best) best = at;
  };
  for (std::string_view b : {",", " (", " [", " - ", " – ", " — ", " | ", " / ", ": "}) consider(b);
  for (const auto* language : {&words, &phrases::english()}) {
    for (std::string_view joiner : language->name_joiners) {
      consider(" " + std::string(joiner) + " ");
    }
  }
  const std::string_view head = best == std::string_view::npos ? name : name.substr(0, best);
  return cut_at_word(head, kMaxNameChars);
}

std::string clean_name(std::string_view raw, const phrases::LanguagePhrases& words) {
  std::string name = clean_inline_text(raw);
  const auto trim_end = [&] {
    while (!name.empty() &&
           std::string_view(".!?,;: ").find(name.back()) != std::string_view::npos) {
      name.pop_back();
    }
  };
  trim_end();
  name = std::string(shorten_name(name, words));
  trim_end();
  return name;
}

bool has_word_char(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    if (text::is_word_char(utf8::next(s, pos))) return true;
  }
  return false;
}

std::string intro_for(std::string_view name, const phrases::LanguagePhrases& words) {
  const bool has_article =
      !words.article.empty() && lower_ascii(name.substr(0, words.article.size())) == words.article;
  const std::string_view prefix = has_article ? words.intro_prefix_named : words.intro_prefix;
  return std::string(prefix) + std::string(name) + ".";
}

// Chinese and Japanese text ends with an ideographic full stop.
std::string ending_for(const Benefit& benefit) {
  if (benefit.ending != ".") return benefit.ending;
  const std::string_view sentence = benefit.text;
  std::size_t last = sentence.size() - 1;
  while (last > 0 && (static_cast<unsigned char>(sentence[last]) & 0xC0) == 0x80) --last;
  const char32_t c = utf8::decode(sentence, last).code_point;
  const bool ideographic = text::has_script(c, text::Script::kHan) ||
                           text::has_script(c, text::Script::kHiragana) ||
                           text::has_script(c, text::Script::kKatakana);
  return ideographic ? "。" : ".";
}

}  // namespace

Result<ScriptSuggestion> suggest_script(std::string_view product_name, std::string_view description,
                                        std::size_t max_chars) {
  ScriptSuggestion suggestion;
  const std::string cleaned = clean_description(description);
  suggestion.detected = guess_language(cleaned);
  // A description too short to tell may tell with the product's name beside it
  // ("Thermobecher mit Deckel" + "Edelstahl, 350 ml").
  if (suggestion.detected.empty()) {
    suggestion.detected = guess_language(clean_description(product_name) + "\n" + cleaned);
  }
  const phrases::LanguagePhrases* found = phrases::for_language(suggestion.detected);
  const phrases::LanguagePhrases& words = found ? *found : phrases::english();
  suggestion.language = std::string(words.language);

  const std::string name = clean_name(product_name, words);
  if (!has_word_char(name)) {
    return fail(Error::invalid("product_name_missing",
                               "The product name is empty. Give the product's name "
                               "(--product-name) so the suggested script can introduce it."));
  }

  const std::string intro = intro_for(name, words);
  const std::string_view cta = words.call_to_action;
  const std::size_t fixed = utf8::length(intro) + 1 + utf8::length(cta);
  if (fixed > max_chars) {
    // Only for tiny limits: the introduction alone, cut to fit.
    suggestion.script = std::string(cut_at_word(intro, max_chars));
    return suggestion;
  }

  // Each benefit costs its length plus its ending and the space before the next part.
  const auto benefits =
      pick_benefits(cleaned, kMaxBenefits, max_chars - fixed, words.cta_markers);
  suggestion.script = intro;
  for (const Benefit& benefit : benefits) {
    suggestion.benefits.push_back(benefit.text);
    suggestion.script.append(" ").append(benefit.text).append(ending_for(benefit));
  }
  suggestion.script += " ";
  suggestion.script += cta;
  return suggestion;
}

}  // namespace pitchreel
