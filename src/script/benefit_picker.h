// Chooses which sentences of a product description are worth saying in a short video.
// It only selects and trims; it never writes words of its own, so a suggestion can not
// claim anything the seller did not.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pitchreel {

// Longest benefit, in code points, before it is cut back at a clause boundary.
inline constexpr std::size_t kMaxBenefitChars = 120;

// Up to `max_count` benefits from `cleaned` (the output of clean_description), in the
// order they appear there. Each is a substring of `cleaned` without its final
// punctuation. Sentences that describe the product (features, materials, numbers)
// win over slogans, questions and shop boilerplate. The sum over benefits of
// (code points + 2) stays within `budget_chars`, leaving room for ". " after each.
std::vector<std::string> pick_benefits(std::string_view cleaned, std::size_t max_count,
                                       std::size_t budget_chars);

}  // namespace pitchreel
