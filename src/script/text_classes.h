// Character classes for product text (descriptions pasted from shops and CMSs). Decoding
// lives in core/utf8.h; these work on code points it yields. Ranges are coarse (no ICU).
#pragma once

namespace pitchreel::text {

// Emoji, dingbats, arrows, geometric shapes and the invisible joiners that glue emoji.
bool is_pictograph(char32_t cp);
bool is_space(char32_t cp);  // ASCII and Unicode spaces, line breaks
// ASCII letters/digits and anything outside the punctuation and symbol blocks.
bool is_word_char(char32_t cp);

}  // namespace pitchreel::text
