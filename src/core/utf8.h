// UTF-8 decoding and encoding shared by every stage. Text comes from users (web forms,
// files, shells, pasted shop copy), so everything here accepts arbitrary bytes: invalid
// input is never an error, it decodes as U+FFFD one byte at a time, and no function
// ever splits a valid multi-byte sequence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pitchreel::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
  char32_t code_point = 0;  // U+FFFD when !valid
  std::size_t length = 1;   // bytes consumed, always >= 1 so loops make progress
  bool valid = false;
};

// Decodes the code point at `pos` (< text.size()). Rejects overlong forms,
// surrogates and values above U+10FFFF; an invalid or truncated sequence consumes
// one byte.
Decoded decode(std::string_view text, std::size_t pos);

// decode() and advance: returns the code point at `pos` (< text.size()), or U+FFFD for
// an invalid byte, and moves `pos` past it (by one byte when invalid).
char32_t next(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `code_point` (expected <= U+10FFFF, not a surrogate).
void append(std::string& out, char32_t code_point);

// Number of code points; each invalid byte counts as one.
std::size_t length(std::string_view text);

// The longest prefix of `text` with at most `max_code_points` code points (counted as
// length() does), so it never ends inside a valid sequence.
std::string_view prefix(std::string_view text, std::size_t max_code_points);

}  // namespace pitchreel::utf8
