// Minimal UTF-8 decoding for the text the speech stage handles. Scripts come from
// users (web forms, files, shells), so every decoder here must survive arbitrary bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pitchreel::utf8 {

struct Decoded {
  char32_t code_point = 0;  // U+FFFD when !valid
  std::size_t length = 1;   // bytes consumed, always >= 1 so loops make progress
  bool valid = false;
};

// Decodes the code point at `pos` (< text.size()). Rejects overlong forms,
// surrogates and values above U+10FFFF; an invalid sequence consumes one byte.
Decoded decode(std::string_view text, std::size_t pos);

void append(std::string& out, char32_t code_point);

// Number of code points; each invalid byte counts as one.
std::size_t length(std::string_view text);

}  // namespace pitchreel::utf8
