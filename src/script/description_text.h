// Product descriptions arrive as shop HTML, Markdown-ish bullet lists or plain text.
// This turns them into plain lines a script can quote from.
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

// Strips HTML tags (block tags become line breaks; <script>/<style> content is dropped),
// decodes entities (&amp; &nbsp; &#39; &#x2019; ...), drops invalid UTF-8, control
// characters, emoji and URLs, removes list bullets and numbering, and collapses
// whitespace. Returns the non-empty lines joined with '\n'.
std::string clean_description(std::string_view raw);

// The same cleaning for a one-line value such as a product name: one line, no breaks.
std::string clean_inline_text(std::string_view raw);

}  // namespace pitchreel
