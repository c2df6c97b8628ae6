// The fixed words of a suggested script in each language the script writer speaks, kept
// together so wording changes in one place. Everything else in a suggestion is quoted from
// the product's own description.
#pragma once

#include <span>
#include <string_view>

namespace pitchreel::phrases {

struct LanguagePhrases {
  std::string_view language;            // ISO 639-1: "en", "de", ...
  std::string_view intro_prefix;        // + name + "."
  std::string_view intro_prefix_named;  // when the name starts with its own article ("The ")
  std::string_view article;             // that article, lower case with its space: "the "
  std::string_view call_to_action;      // one sentence, with its punctuation
  // Words that join a product name to its details ("with" in "Headphones with Spatial
  // Audio"): a long name is shortened before them.
  std::span<const std::string_view> name_joiners;
  // Lower-case openings of a description's own calls to action ("buy now"), which are
  // not repeated: a script has exactly one call to action.
  std::span<const std::string_view> cta_markers;
};

// The phrases of `language` (ISO 639-1, case-insensitive), or nullptr when there are none.
const LanguagePhrases* for_language(std::string_view language);
// English, the language of scripts whose description's language is unknown or unsupported.
const LanguagePhrases& english();

}  // namespace pitchreel::phrases
