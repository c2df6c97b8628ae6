// The shared character classes (core/text_classes.h) on ICU: the classes the old
// hand-written tables got right stay right, and the characters those tables missed
// (recent and future emoji, flags, skin tones, ideographic variation selectors, soft
// hyphens, unusual spaces, CJK extension blocks, Thai and Devanagari marks) are now
// classified as Unicode says.
#include <gtest/gtest.h>

#include "core/text_classes.h"

namespace pitchreel::text {
namespace {

TEST(TextClasses, SpacesAreUnicodeWhiteSpace) {
  for (char32_t c :
       {U' ', U'\t', U'\n', U'\r', char32_t{0x0B}, char32_t{0x0C}, char32_t{0x85}, char32_t{0xA0},
        char32_t{0x1680}, char32_t{0x2000}, char32_t{0x2003}, char32_t{0x2009}, char32_t{0x200A},
        char32_t{0x2028}, char32_t{0x2029}, char32_t{0x202F}, char32_t{0x205F}, char32_t{0x3000}}) {
    EXPECT_TRUE(is_space(c)) << std::hex << static_cast<unsigned>(c);
  }
  // Zero-width characters and the Mongolian vowel separator take no room: not spaces.
  for (char32_t c : {char32_t{0x200B}, char32_t{0xFEFF}, char32_t{0x180E}, U'a', U'_'}) {
    EXPECT_FALSE(is_space(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextClasses, LineBreaks) {
  for (char32_t c : {U'\n', U'\r', char32_t{0x0B}, char32_t{0x0C}, char32_t{0x85}, char32_t{0x2028},
                     char32_t{0x2029}}) {
    EXPECT_TRUE(is_line_break(c)) << std::hex << static_cast<unsigned>(c);
  }
  for (char32_t c : {U' ', U'\t', char32_t{0xA0}, U'a'}) EXPECT_FALSE(is_line_break(c));
}

TEST(TextClasses, NoBreakSpacesDoNotBreakLines) {
  EXPECT_TRUE(is_breaking_space(U' '));
  EXPECT_TRUE(is_breaking_space(0x2003));  // em space
  EXPECT_TRUE(is_breaking_space(0x3000));  // ideographic space
  for (char32_t c : {char32_t{0xA0}, char32_t{0x202F}, char32_t{0x2007}}) {
    EXPECT_TRUE(is_space(c));
    EXPECT_FALSE(is_breaking_space(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextClasses, InvisibleCharactersIncludeWhatTheOldTablesMissed) {
  // Kept from before: controls, zero-width, bidi, tags, emoji variation selectors.
  for (char32_t c :
       {char32_t{0x01}, char32_t{0x7F}, char32_t{0x9F}, char32_t{0x200B}, char32_t{0x200D},
        char32_t{0x2060}, char32_t{0xFEFF}, char32_t{0x200E}, char32_t{0x202E}, char32_t{0x2066},
        char32_t{0xE0041}, char32_t{0xFE0F}, char32_t{0x20E3}, char32_t{0xFFFD}}) {
    EXPECT_TRUE(is_invisible(c)) << std::hex << static_cast<unsigned>(c);
  }
  // Missed before: zero-width non-joiner, soft hyphen, combining grapheme joiner,
  // invisible maths operators, ideographic variation selectors (VS17..VS256), the Hangul
  // filler used to fake an empty name, Mongolian free variation selectors.
  for (char32_t c : {char32_t{0x200C}, char32_t{0xAD}, char32_t{0x34F}, char32_t{0x2062},
                     char32_t{0xE0100}, char32_t{0xE01EF}, char32_t{0x3164}, char32_t{0x180B}}) {
    EXPECT_TRUE(is_invisible(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_FALSE(is_word_char(c)) << std::hex << static_cast<unsigned>(c);
  }
  for (char32_t c : {U'a', U' ', char32_t{0x0E31}, char32_t{0x093F}}) EXPECT_FALSE(is_invisible(c));
  EXPECT_TRUE(is_control(0x1B));
  EXPECT_FALSE(is_control(0x200B));
}

TEST(TextClasses, PictographsCoverEmojiOfEveryVersion) {
  for (char32_t c : {
           char32_t{0x1F600},  // 😀
           char32_t{0x1F44D},  // 👍
           char32_t{0x2764},   // ❤ (text-style by default)
           char32_t{0x2B50},   // ⭐
           char32_t{0x1FAE8},  // 🫨 shaking face (Unicode 15)
           char32_t{0x1FAE9},  // reserved for future emoji (assigned in Unicode 16)
           char32_t{0x1F3FD},  // skin-tone modifier
           char32_t{0x1F1E9},  // regional indicator D (half a flag)
           char32_t{0x2192},   // → (arrows block)
           char32_t{0x25A0},   // ■
           char32_t{0x2139},   // ℹ (letterlike block; was taken for a letter)
           char32_t{0x24C2},   // Ⓜ (enclosed alphanumerics; was taken for a letter)
           char32_t{0x3299},   // ㊙ (was taken for a letter)
           char32_t{0x2122},   // ™
       }) {
    EXPECT_TRUE(is_pictograph(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_TRUE(is_punctuation_or_symbol(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_FALSE(is_word_char(c)) << std::hex << static_cast<unsigned>(c);
  }
  // Punctuation stays punctuation even where Unicode allows an emoji presentation.
  for (char32_t c : {char32_t{0x203C}, char32_t{0x2049}, char32_t{0x303D}, U'!', U'#', U'1'}) {
    EXPECT_FALSE(is_pictograph(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextClasses, PunctuationAndSymbols) {
  for (char32_t c : {U'.', U'!', U'¿', U'¡', U'«', U'»', U'—', U'…', U'€', U'$', U'+', U'°', U'、',
                     U'。', U'！', U'§', U'•'}) {
    EXPECT_TRUE(is_punctuation_or_symbol(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_FALSE(is_word_char(c)) << std::hex << static_cast<unsigned>(c);
  }
  for (char32_t c : {U'a', U'Z', U'7', U'é', U'ß', U'ñ', U'ł', U'ª', U'²', U'µ'}) {
    EXPECT_FALSE(is_punctuation_or_symbol(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_TRUE(is_word_char(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextClasses, LettersAndMarksOfEveryScript) {
  for (char32_t c : {
           char32_t{0x0E01},   // ก Thai letter
           char32_t{0x0E31},   // Thai vowel sign (Mn) belongs to its word
           char32_t{0x0E48},   // Thai tone mark
           char32_t{0x0915},   // क Devanagari
           char32_t{0x093F},   // ि vowel sign (Mc)
           char32_t{0x094D},   // ् virama (Mn)
           char32_t{0x0902},   // ं anusvara
           char32_t{0x4E00},   // 一
           char32_t{0x20000},  // CJK extension B
           char32_t{0x2A700},  // extension C
           char32_t{0x30000},  // extension G
           char32_t{0x31350},  // extension H (Unicode 15)
           char32_t{0xAC00},   // 가
           char32_t{0x05D0},   // א
           char32_t{0x0627},   // ا
           char32_t{0x0416},   // Ж
       }) {
    EXPECT_TRUE(is_word_char(c)) << std::hex << static_cast<unsigned>(c);
    EXPECT_FALSE(is_punctuation_or_symbol(c)) << std::hex << static_cast<unsigned>(c);
  }
  EXPECT_TRUE(is_letter(0x093F));  // a vowel sign spells the word
  EXPECT_TRUE(is_letter(U'ß'));
  EXPECT_FALSE(is_letter(U'7'));
  EXPECT_FALSE(is_letter(0x0967));  // Devanagari digit one
  EXPECT_TRUE(is_digit(0x0967));
  EXPECT_TRUE(is_digit(U'0'));
  EXPECT_TRUE(is_word_char(0x0967));
  EXPECT_EQ(to_lower(U'Ä'), U'ä');
  EXPECT_EQ(to_lower(U'Σ'), U'σ');
  EXPECT_EQ(to_lower(U'ß'), U'ß');
}

TEST(TextClasses, WideGlyphsFollowEastAsianWidth) {
  for (char32_t c :
       {char32_t{0x4E00}, char32_t{0x3042}, char32_t{0x30AB}, char32_t{0xAC00}, char32_t{0x3000},
        char32_t{0xFF21}, char32_t{0x20000}, char32_t{0x31350}, char32_t{0x1F600}}) {
    EXPECT_TRUE(is_wide_glyph(c)) << std::hex << static_cast<unsigned>(c);
  }
  // Halfwidth katakana, Thai and Latin are narrow, and so is the ideographic half fill
  // space (U+303F) that the old block ranges took for a wide glyph.
  for (char32_t c : {U'a', U'é', char32_t{0xFF76}, char32_t{0x0E01}, char32_t{0x303F}}) {
    EXPECT_FALSE(is_wide_glyph(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(TextClasses, ScriptsAndScriptExtensions) {
  EXPECT_EQ(script_of(U'a'), Script::kLatin);
  EXPECT_EQ(script_of(U'ł'), Script::kLatin);
  EXPECT_EQ(script_of(U'Ж'), Script::kCyrillic);
  EXPECT_EQ(script_of(U'λ'), Script::kGreek);
  EXPECT_EQ(script_of(0x05D0), Script::kHebrew);
  EXPECT_EQ(script_of(0x0627), Script::kArabic);
  EXPECT_EQ(script_of(0x06A9), Script::kArabic);  // Persian keheh
  EXPECT_EQ(script_of(0x0915), Script::kDevanagari);
  EXPECT_EQ(script_of(0x0E01), Script::kThai);
  EXPECT_EQ(script_of(0x3042), Script::kHiragana);
  EXPECT_EQ(script_of(0x30AB), Script::kKatakana);
  EXPECT_EQ(script_of(0xFF76), Script::kKatakana);  // halfwidth
  EXPECT_EQ(script_of(0xAC00), Script::kHangul);
  EXPECT_EQ(script_of(0x4E00), Script::kHan);
  EXPECT_EQ(script_of(0x31350), Script::kHan);  // extension H
  EXPECT_EQ(script_of(0x10D0), Script::kGeorgian);
  EXPECT_EQ(script_of(U'7'), Script::kCommon);
  EXPECT_EQ(script_of(0x0301), Script::kCommon);  // inherited combining acute
  EXPECT_EQ(script_of(0x1800), Script::kOther);   // Mongolian
  // The prolonged sound mark is Common but used by kana; the ideographic full stop by Han.
  EXPECT_EQ(script_of(0x30FC), Script::kCommon);
  EXPECT_TRUE(has_script(0x30FC, Script::kKatakana));
  EXPECT_TRUE(has_script(0x3002, Script::kHan));
  EXPECT_FALSE(has_script(U'a', Script::kHan));
}

}  // namespace
}  // namespace pitchreel::text
