// UTF-8 text handling shared by caption layout, caption files and the ASS script:
// words arrive from TTS/script code as arbitrary bytes, and every later stage relies on
// them being valid UTF-8 with no line breaks or control characters inside.
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

// Valid UTF-8 (bad bytes become U+FFFD), trimmed, control characters dropped, and inner
// whitespace turned into U+00A0 so a word stays one token when lines are split on ' '.
std::string clean_caption_word(std::string_view word);

// The same for a line of words: inner whitespace runs become one ' '.
std::string clean_caption_line(std::string_view line);

}  // namespace pitchreel
