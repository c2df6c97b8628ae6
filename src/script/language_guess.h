// Which language a product text is written in, guessed with libexttextcat (n-gram
// fingerprints of ~150 languages, from Debian's libexttextcat-data). The library's handle is
// loaded once per process and used under a mutex (textcat_Classify returns a pointer into
// the handle's own buffer). Never fails: unknown, too short or unreadable text gives "".
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

// The ISO 639 code of the most likely language ("de", "es", "zh"), or "" when the text is
// too short (fewer than ten letters) or unlike any language the guesser knows. Among close candidates, a language
// the script writer has phrases for (script_phrases.h) wins.
std::string guess_language(std::string_view text);

}  // namespace pitchreel
