#include "script/script_writer.h"

#include <algorithm>
#include <cctype>

#include "core/utf8.h"
#include "script/benefit_picker.h"
#include "script/description_text.h"
#include "script/script_phrases.h"
#include "script/text_classes.h"

namespace pitchreel {
namespace {

constexpr std::size_t kMaxBenefits = 3;
constexpr std::size_t kMaxNameChars = 80;  // a name, not a title with every variant in it

// Cuts at the last space that fits, so a long name is not broken inside a word.
std::string_view cut_at_word(std::string_view s, std::size_t max_chars) {
  if (utf8::length(s) <= max_chars) return s;
  const std::string_view head = utf8::prefix(s, max_chars);
  const std::size_t space = head.rfind(' ');
  return space == std::string_view::npos || space == 0 ? head : head.substr(0, space);
}

std::string clean_name(std::string_view raw) {
  std::string name = clean_inline_text(raw);
  while (!name.empty() && std::string_view(".!?,;: ").find(name.back()) != std::string_view::npos) {
    name.pop_back();
  }
  name = std::string(cut_at_word(name, kMaxNameChars));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

bool has_word_char(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    if (text::is_word_char(utf8::next(s, pos))) return true;
  }
  return false;
}

std::string intro_for(std::string_view name) {
  std::string lower(name.substr(0, 4));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view prefix =
      lower == "the " ? phrases::kIntroPrefixNoArticle : phrases::kIntroPrefix;
  return std::string(prefix) + std::string(name) + ".";
}

// Chinese and Japanese text ends with an ideographic full stop; same length as ".".
std::string_view full_stop_after(std::string_view sentence) {
  std::size_t last = sentence.size() - 1;
  while (last > 0 && (static_cast<unsigned char>(sentence[last]) & 0xC0) == 0x80) --last;
  const char32_t c = utf8::decode(sentence, last).code_point;
  const bool ideographic = (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
  return ideographic ? "。" : ".";
}

}  // namespace

Result<ScriptSuggestion> suggest_script(std::string_view product_name, std::string_view description,
                                        std::size_t max_chars) {
  const std::string name = clean_name(product_name);
  if (!has_word_char(name)) {
    return fail(Error::invalid("product_name_missing",
                               "The product name is empty. Give the product's name "
                               "(--product-name) so the suggested script can introduce it."));
  }

  ScriptSuggestion suggestion;
  const std::string intro = intro_for(name);
  const std::string_view cta = phrases::kCallToAction;
  const std::size_t fixed = utf8::length(intro) + 1 + utf8::length(cta);
  if (fixed > max_chars) {
    // Only for tiny limits: the introduction alone, cut to fit.
    suggestion.script = std::string(cut_at_word(intro, max_chars));
    return suggestion;
  }

  // Each benefit costs its length plus ". " ("." after it, " " before the next part).
  suggestion.benefits =
      pick_benefits(clean_description(description), kMaxBenefits, max_chars - fixed);
  suggestion.script = intro;
  for (const std::string& benefit : suggestion.benefits) {
    suggestion.script.append(" ").append(benefit).append(full_stop_after(benefit));
  }
  suggestion.script += " ";
  suggestion.script += cta;
  return suggestion;
}

}  // namespace pitchreel
