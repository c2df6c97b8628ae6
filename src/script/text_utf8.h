// UTF-8 helpers for product text. Descriptions are pasted from shops and CMSs, so they
// may hold anything; everything here works on code points and never splits one.
// (A copy of the decoder in tts/utf8.h: pr_script does not link pr_tts. Both belong in
// core/ once core has a home for text utilities.)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pitchreel::text {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;  // bytes; >= 1 so loops make progress on invalid input
  bool valid = false;
};

CodePoint decode(std::string_view s, std::size_t pos);
void append(std::string& out, char32_t cp);
std::size_t length(std::string_view s);  // code points

// Emoji, dingbats, arrows, geometric shapes and the invisible joiners that glue emoji.
bool is_pictograph(char32_t cp);
bool is_space(char32_t cp);  // ASCII and Unicode spaces, line breaks
// ASCII letters/digits and anything outside the punctuation and symbol blocks.
bool is_word_char(char32_t cp);

// The longest prefix of `s` with at most `max_chars` code points.
std::string_view prefix_chars(std::string_view s, std::size_t max_chars);

}  // namespace pitchreel::text
