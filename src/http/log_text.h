// Text from clients made safe for one log line: control characters, quotes, backslashes
// and bytes outside printable ASCII become \xNN escapes, so a request cannot forge or
// split log lines ("%0a" in a path arrives here as a real newline). Long text is cut.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pitchreel::http {

std::string log_text(std::string_view text, std::size_t max_chars = 512);

}  // namespace pitchreel::http
