#include "core/text_classes.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <array>
#include <cstdint>
#include <utility>

namespace pitchreel::text {
namespace {

UChar32 u(char32_t cp) { return static_cast<UChar32>(cp); }

bool in_category(char32_t cp, std::uint32_t mask) { return (U_GET_GC_MASK(u(cp)) & mask) != 0; }

// Blocks of symbols that are read by name ("rightwards arrow", "black square") and carry
// no words; the emoji blocks themselves are Extended_Pictographic.
bool in_pictographic_block(char32_t cp) {
  switch (ublock_getCode(u(cp))) {
    case UBLOCK_ARROWS:
    case UBLOCK_SUPPLEMENTAL_ARROWS_A:
    case UBLOCK_SUPPLEMENTAL_ARROWS_B:
    case UBLOCK_SUPPLEMENTAL_ARROWS_C:
    case UBLOCK_MISCELLANEOUS_SYMBOLS_AND_ARROWS:
    case UBLOCK_MISCELLANEOUS_TECHNICAL:
    case UBLOCK_GEOMETRIC_SHAPES:
    case UBLOCK_GEOMETRIC_SHAPES_EXTENDED:
    case UBLOCK_MISCELLANEOUS_SYMBOLS:
    case UBLOCK_DINGBATS:
    case UBLOCK_ENCLOSED_ALPHANUMERIC_SUPPLEMENT:
    case UBLOCK_ENCLOSED_IDEOGRAPHIC_SUPPLEMENT:
    case UBLOCK_MAHJONG_TILES:
    case UBLOCK_DOMINO_TILES:
    case UBLOCK_PLAYING_CARDS:
      return true;
    default:
      return false;
  }
}

constexpr std::array<std::pair<UScriptCode, Script>, 25> kScripts = {{
    {USCRIPT_LATIN, Script::kLatin},
    {USCRIPT_GREEK, Script::kGreek},
    {USCRIPT_CYRILLIC, Script::kCyrillic},
    {USCRIPT_ARMENIAN, Script::kArmenian},
    {USCRIPT_HEBREW, Script::kHebrew},
    {USCRIPT_ARABIC, Script::kArabic},
    {USCRIPT_DEVANAGARI, Script::kDevanagari},
    {USCRIPT_BENGALI, Script::kBengali},
    {USCRIPT_GURMUKHI, Script::kGurmukhi},
    {USCRIPT_GUJARATI, Script::kGujarati},
    {USCRIPT_TAMIL, Script::kTamil},
    {USCRIPT_TELUGU, Script::kTelugu},
    {USCRIPT_KANNADA, Script::kKannada},
    {USCRIPT_MALAYALAM, Script::kMalayalam},
    {USCRIPT_SINHALA, Script::kSinhala},
    {USCRIPT_THAI, Script::kThai},
    {USCRIPT_LAO, Script::kLao},
    {USCRIPT_KHMER, Script::kKhmer},
    {USCRIPT_MYANMAR, Script::kMyanmar},
    {USCRIPT_GEORGIAN, Script::kGeorgian},
    {USCRIPT_ETHIOPIC, Script::kEthiopic},
    {USCRIPT_HANGUL, Script::kHangul},
    {USCRIPT_HIRAGANA, Script::kHiragana},
    {USCRIPT_KATAKANA, Script::kKatakana},
    {USCRIPT_HAN, Script::kHan},
}};

}  // namespace

bool is_space(char32_t cp) { return u_isUWhiteSpace(u(cp)) != 0; }

bool is_breaking_space(char32_t cp) {
  return is_space(cp) && u_getIntPropertyValue(u(cp), UCHAR_LINE_BREAK) != U_LB_GLUE;
}

bool is_line_break(char32_t cp) {
  switch (u_getIntPropertyValue(u(cp), UCHAR_LINE_BREAK)) {
    case U_LB_MANDATORY_BREAK:
    case U_LB_CARRIAGE_RETURN:
    case U_LB_LINE_FEED:
    case U_LB_NEXT_LINE:
      return true;
    default:
      return false;
  }
}

bool is_control(char32_t cp) { return u_charType(u(cp)) == U_CONTROL_CHAR; }

bool is_invisible(char32_t cp) {
  return is_control(cp) || u_hasBinaryProperty(u(cp), UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
         // The keycap combiner is an enclosing mark, not ignorable, but a "1️⃣" is read "1".
         cp == 0x20E3 || cp == 0xFFFD;
}

bool is_pictograph(char32_t cp) {
  if (in_category(cp, U_GC_P_MASK)) return false;
  return u_hasBinaryProperty(u(cp), UCHAR_EXTENDED_PICTOGRAPHIC) ||
         u_hasBinaryProperty(u(cp), UCHAR_EMOJI_MODIFIER) ||
         u_hasBinaryProperty(u(cp), UCHAR_REGIONAL_INDICATOR) || in_pictographic_block(cp);
}

bool is_punctuation_or_symbol(char32_t cp) {
  return in_category(cp, U_GC_P_MASK | U_GC_S_MASK) || is_pictograph(cp);
}

bool is_sentence_end(char32_t cp) {
  return cp == U'…' || u_hasBinaryProperty(u(cp), UCHAR_S_TERM);
}

bool is_terminal_punctuation(char32_t cp) {
  return cp == U'…' || u_hasBinaryProperty(u(cp), UCHAR_TERMINAL_PUNCTUATION);
}

bool is_word_char(char32_t cp) {
  return in_category(cp, U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK) && !is_pictograph(cp) &&
         !is_invisible(cp);
}

bool is_letter(char32_t cp) {
  return u_hasBinaryProperty(u(cp), UCHAR_ALPHABETIC) && !is_pictograph(cp) && !is_invisible(cp);
}

bool is_digit(char32_t cp) { return u_charType(u(cp)) == U_DECIMAL_DIGIT_NUMBER; }

char32_t to_lower(char32_t cp) { return static_cast<char32_t>(u_tolower(u(cp))); }

bool is_wide_glyph(char32_t cp) {
  const int width = u_getIntPropertyValue(u(cp), UCHAR_EAST_ASIAN_WIDTH);
  return width == U_EA_WIDE || width == U_EA_FULLWIDTH;
}

Script script_of(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode code = uscript_getScript(u(cp), &status);
  if (U_FAILURE(status) || code == USCRIPT_COMMON || code == USCRIPT_INHERITED ||
      code == USCRIPT_UNKNOWN) {
    return Script::kCommon;
  }
  for (const auto& [icu, ours] : kScripts) {
    if (icu == code) return ours;
  }
  return Script::kOther;
}

bool has_script(char32_t cp, Script script) {
  for (const auto& [icu, ours] : kScripts) {
    if (ours == script) return uscript_hasScript(u(cp), icu) != 0;
  }
  return script_of(cp) == script;
}

}  // namespace pitchreel::text
