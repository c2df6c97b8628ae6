// Suggests a spoken script from a product's name and description, offline and
// deterministically: the same input always gives the same script, so previews match
// the final video and tests can pin the output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/script_limit.h"
#include "core/status.h"

namespace pitchreel {

struct ScriptSuggestion {
  std::string script;                 // at most max_chars code points, plain text
  std::vector<std::string> benefits;  // the description's sentences the script quotes
  std::string language;  // ISO 639-1 of the script's own words ("en" when unknown)
  std::string detected;  // the description's language as guessed; "" when unknown
};

// An opening that introduces the name ("Meet the <Name>.", "Darf ich vorstellen: <Name>.")
// + two or three benefits quoted from the description + exactly one call to action, in the
// description's language (language_guess.h) when the writer has phrases for it
// (script_phrases.h), else in English. Benefits are verbatim text from
// clean_description(description), ending with the description's own punctuation ("!"
// stays "!") and, when long, cut back at a clause boundary; the description's own calls to
// action are left out. A long name is shortened at a natural boundary (a comma, a
// parenthesis, a dash, "with"/"mit"/"con"...). An empty or unusable description gives
// name + call to action.
// Error: "product_name_missing" when the name is empty after cleaning.
Result<ScriptSuggestion> suggest_script(std::string_view product_name, std::string_view description,
                                        std::size_t max_chars = kMaxScriptChars);

}  // namespace pitchreel
