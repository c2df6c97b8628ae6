// The script as the speech stage accepts it: plain UTF-8 text, one line, single spaces.
// Markup, SSML and engine commands are never interpreted; "<b>" is spoken as written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/script_limit.h"
#include "core/status.h"

namespace pitchreel {


// Cleans a user-supplied script for speech and captions:
// - invalid UTF-8 bytes, control characters, zero-width and bidi marks are dropped
//   (newlines and tabs become spaces);
// - emoji and pictographs are dropped: a synthesiser reads them by name
//   ("grinning face"), which nobody wants in a product video;
// - every kind of whitespace (NBSP, em space, ideographic space, ...) becomes one
//   space, and the result is trimmed.
// Errors: "script_empty" when nothing is left; "script_unspeakable" when what is left
// has no letter or digit (only emoji, punctuation or symbols).
Result<std::string> normalize_script(std::string_view raw);

// "script_too_long" when `normalized` has more than `max_chars` code points
// (utf8::length in core/utf8.h).
Status check_script_length(std::string_view normalized, std::size_t max_chars = kMaxScriptChars);

}  // namespace pitchreel
