// Character classes for the text pitchreel speaks and quotes: scripts, product names and
// descriptions pasted from shops and CMSs. The one place the speech stage (tts/script_text),
// the script writer (script/*) and the Edge word mapping agree on what a space, an
// invisible character, an emoji or a letter is. Decoding lives in core/utf8.h; these take
// the code points it yields. Ranges are coarse tables of the Unicode blocks product text
// uses (no ICU): anything outside the punctuation and symbol blocks counts as a letter,
// which errs on the side of letting a synthesiser try.
#pragma once

namespace pitchreel::text {

// ASCII and Unicode spaces and line breaks (NBSP, em space, ideographic space, ...).
bool is_space(char32_t cp);
// No visible or spoken meaning: C0/C1 controls, zero-width characters and joiners, bidi
// controls, tags, variation selectors, the keycap combiner, U+FFFD.
bool is_invisible(char32_t cp);
// True for C0/C1 controls (a subset of is_invisible): line structure, not content.
bool is_control(char32_t cp);
// Emoji, dingbats, arrows, geometric shapes: a synthesiser would read their names aloud.
bool is_pictograph(char32_t cp);
// Punctuation, symbols, currency signs and pictographs; not letters, digits or marks.
bool is_punctuation_or_symbol(char32_t cp);
// Letters and digits: ASCII alphanumerics and anything outside the punctuation and symbol
// blocks.
bool is_word_char(char32_t cp);

}  // namespace pitchreel::text
