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
};

// "Meet the <Name>." + two or three benefits quoted from the description + a call to
// action. Benefits are verbatim text from clean_description(description), trimmed of
// final punctuation and, when long, cut back at a clause boundary. An empty or
// unusable description gives name + call to action.
// Error: "product_name_missing" when the name is empty after cleaning.
Result<ScriptSuggestion> suggest_script(std::string_view product_name, std::string_view description,
                                        std::size_t max_chars = kMaxScriptChars);

}  // namespace pitchreel
