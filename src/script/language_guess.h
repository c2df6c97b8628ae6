// Which language a product text is written in, guessed with libexttextcat (n-gram
// fingerprints of ~150 languages, from Debian's libexttextcat-data). The library's handle is
// loaded once per process and used under a mutex (textcat_Classify returns a pointer into
// the handle's own buffer). Never fails: unknown, too short or unreadable text gives "".
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

// The ISO 639 code of the most likely language ("de", "es", "zh"), or "" when unknown.
// Text of ten letters or more goes to libexttextcat; among close candidates, a language the
// script writer has phrases for (script_phrases.h) wins. Shorter text, or text the guesser
// finds unlike any language, is judged by the evidence that holds on a few letters
// (language_evidence.h: script, language-specific letters, function words), which names a
// language only when that evidence is unambiguous.
std::string guess_language(std::string_view text);

}  // namespace pitchreel
