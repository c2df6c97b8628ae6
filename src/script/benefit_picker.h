// Chooses which sentences of a product description are worth saying in a short video.
// It only selects and trims; it never writes words of its own, so a suggestion can not
// claim anything the seller did not.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pitchreel {

// Longest benefit, in code points, before it is cut back at a clause boundary.
inline constexpr std::size_t kMaxBenefitChars = 120;

struct Benefit {
  std::string text;    // a substring of the description, without its final punctuation
  std::string ending;  // the description's own full stop for it ("." "!" "…" "。"), or "."
                       // when the sentence was cut back ("!" when it opened with "¡")
};

// Up to `max_count` benefits from `cleaned` (the output of clean_description), in the
// order they appear there. Sentences that describe the product (features, materials,
// numbers) win over slogans, questions, shop boilerplate and the description's own calls
// to action (sentences opening with one of `cta_markers`, lower case). The sum over
// benefits of (code points + 2) stays within `budget_chars`, leaving room for the ending
// and a space after each.
std::vector<Benefit> pick_benefits(std::string_view cleaned, std::size_t max_count,
                                   std::size_t budget_chars,
                                   std::span<const std::string_view> cta_markers = {});

}  // namespace pitchreel
