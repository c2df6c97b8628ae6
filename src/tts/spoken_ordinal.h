// Ordinal numbers as a person reads them, for the speech normaliser (speech_normalizer.h).
// Engines read plain digits well in their own language, but not the written ordinal
// marks: "3rd", "2e", "1.º" or German "3." before a noun come out as "three r d" or as a
// sentence end. Forms recognised, for 1 to 99 (larger ones are left as written):
//   en  1st 2nd 3rd 4th 21st            -> first, second, third, fourth, twenty-first
//   fr  1er 1re 1ère 2e 2ème 2nd 3ᵉ     -> premier, première, deuxième, second, troisième
//   es  1º 1.º 1ª 1.ª 1er 1.er 3er      -> primero, primera, primer, tercer
//   de  "3" written as "3." before a word (see german_ordinal) -> dritte
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pitchreel {

// `token` is one written word without the punctuation around it. nullopt when it is not
// an ordinal of `language` ("en", "fr", "es") in the range above.
std::optional<std::string> spoken_ordinal(std::string_view language, std::string_view token);

// German writes ordinals as digits and a period ("die 3. Generation", "am 1. Mai"): the
// caller decides that the period belongs to the number (a word follows it in the same
// sentence). `digits` is the number without its period; nullopt outside 1 to 99.
// `previous` is the word before it: after a dative or genitive article or contraction
// ("dem", "den", "des", "zum", "am", "im", "vom", "beim", "zur") the form ends in -n
// ("am 1. Mai" -> "ersten"); otherwise the form after a definite article ("dritte").
std::optional<std::string> german_ordinal(std::string_view digits, std::string_view previous);

}  // namespace pitchreel
