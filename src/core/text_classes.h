// Character classes for the text pitchreel speaks, shows and quotes: scripts, product names
// and descriptions pasted from shops and CMSs. The one place the speech stage
// (tts/script_text, the alignments), the script writer (script/*), the captions
// (render/caption_*) and the Edge word mapping agree on what a space, an invisible
// character, an emoji, a letter, a script or a wide glyph is. Decoding lives in
// core/utf8.h; these take the code points it yields.
//
// Every answer comes from ICU's character database (libicu, the Unicode version of the
// installed ICU): no hand-written code-point tables, so new emoji, spaces and letters are
// classified as Unicode says once the system's ICU knows them. All functions are pure,
// thread-safe and never fail: a value outside Unicode is simply in no class.
#pragma once

namespace pitchreel::text {

// White_Space: ASCII and Unicode spaces and line breaks (NBSP, em space, thin space,
// ideographic space, U+0085, U+2028, ...).
bool is_space(char32_t cp);
// A space a line may break at: is_space without the no-break ones (NBSP, narrow NBSP,
// figure space: Line_Break=Glue), which keep "19,99 €" on one line.
bool is_breaking_space(char32_t cp);
// No visible or spoken meaning: controls (Cc), Default_Ignorable_Code_Point (zero-width
// space and joiners, soft hyphen, bidi controls, variation selectors including the
// ideographic ones, tags, fillers), the emoji keycap combiner U+20E3 and U+FFFD (what
// invalid input decodes to).
bool is_invisible(char32_t cp);
// Mandatory line breaks (Line_Break BK, CR, LF, NL): \n, \r, VT, FF, U+0085, U+2028,
// U+2029.
bool is_line_break(char32_t cp);
// Controls (general category Cc, a subset of is_invisible): line structure, not content.
bool is_control(char32_t cp);
// Emoji and pictographs a synthesiser would read by name and a speaker never says:
// Extended_Pictographic (including the code points Unicode reserves for future emoji,
// and text-style ones such as ™ ® ❤), skin-tone modifiers, regional-indicator flag
// letters, and everything in the arrow, geometric-shape, dingbat and technical-symbol
// blocks. Punctuation (‼ ⁉ 〽) stays punctuation.
bool is_pictograph(char32_t cp);
// Punctuation (P*), symbols (S*: currency, maths, modifiers, other) and pictographs; not
// letters, digits or marks.
bool is_punctuation_or_symbol(char32_t cp);
// Ends a sentence: Sentence_Terminal (. ! ? 。 ！ ？ and the Devanagari danda "।", the
// Arabic and Armenian question marks, the Urdu full stop, ...) and the ellipsis "…".
bool is_sentence_end(char32_t cp);
// Ends a sentence or a clause: Terminal_Punctuation (is_sentence_end's marks and , ; :
// 、 ， ； the Arabic comma, the Greek question mark and semicolon, ...) and "…".
bool is_terminal_punctuation(char32_t cp);
// Letters, combining marks (Devanagari and Thai vowel signs belong to their word) and
// numbers of any script.
bool is_word_char(char32_t cp);
// Alphabetic letters of any script (Unicode's Alphabetic property: letters and the
// vowel signs that spell words), not digits: what "how many letters" counts.
bool is_letter(char32_t cp);
// Decimal digits of any script (Nd).
bool is_digit(char32_t cp);
// Lower case of a single code point (simple case mapping: "Ä" -> "ä", "Σ" -> "σ").
char32_t to_lower(char32_t cp);

// Drawn a full em wide in East Asian typography (East_Asian_Width Wide or Fullwidth):
// CJK ideographs of every extension block, kana, Hangul, fullwidth forms, emoji.
bool is_wide_glyph(char32_t cp);

// The writing systems pitchreel tells apart (fonts, language detection, punctuation).
// kCommon covers characters shared by many scripts (digits, punctuation, spaces) and
// inherited combining marks; kOther any script not listed.
enum class Script {
  kCommon,
  kLatin,
  kGreek,
  kCyrillic,
  kArmenian,
  kHebrew,
  kArabic,
  kDevanagari,
  kBengali,
  kGurmukhi,
  kGujarati,
  kTamil,
  kTelugu,
  kKannada,
  kMalayalam,
  kSinhala,
  kThai,
  kLao,
  kKhmer,
  kMyanmar,
  kGeorgian,
  kEthiopic,
  kHangul,
  kHiragana,
  kKatakana,
  kHan,
  kOther,
};

// The Unicode Script property of `cp` ("ー" and "。" are kCommon: see has_script).
Script script_of(char32_t cp);
// True when `cp` is used by `script` per Script_Extensions: "ー" (U+30FC) is used by
// Hiragana and Katakana, "。" by Han, kana, Hangul and others.
bool has_script(char32_t cp, Script script);

}  // namespace pitchreel::text
