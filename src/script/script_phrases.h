// The fixed words of a suggested script, kept together so wording (and, later,
// translations) change in one place. Everything else in a suggestion is quoted from
// the product's own description.
#pragma once

#include <string_view>

namespace pitchreel::phrases {

inline constexpr std::string_view kIntroPrefix = "Meet the ";       // + name + "."
inline constexpr std::string_view kIntroPrefixNoArticle = "Meet ";  // name already has "The"
inline constexpr std::string_view kCallToAction = "Order yours today.";

}  // namespace pitchreel::phrases
