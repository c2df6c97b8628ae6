#include "core/text_classes.h"

namespace pitchreel::text {

bool is_space(char32_t c) {
  return c == U' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool is_invisible(char32_t c) {
  return is_control(c) ||                                             // C0/C1 controls, DEL
         c == 0x200B || c == 0x200D || c == 0x2060 || c == 0xFEFF ||  // zero-width
         (c >= 0x200E && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) ||                                    // bidi controls
         (c >= 0xE0000 && c <= 0xE007F) || (c >= 0xFE00 && c <= 0xFE0F) ||  // tags, selectors
         c == 0x20E3 || c == 0xFFFD;  // keycap combiner, replacement character
}

bool is_pictograph(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x2190 && c <= 0x21FF) ||
         (c >= 0x2300 && c <= 0x23FF) || (c >= 0x25A0 && c <= 0x25FF);
}

bool is_punctuation_or_symbol(char32_t c) {
  if (c < 0x80) {
    const bool alnum =
        (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
    return !alnum;
  }
  return (c >= 0xA1 && c <= 0xBF && c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 &&
          c != 0xBA) ||
         c == 0xD7 || c == 0xF7 || (c >= 0x2010 && c <= 0x205E) ||  // general punctuation
         (c >= 0x20A0 && c <= 0x20CF) ||                            // currency
         (c >= 0x2200 && c <= 0x22FF) || (c >= 0x2500 && c <= 0x259F) ||
         (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || is_pictograph(c);
}

bool is_word_char(char32_t c) {
  if (c < 0x80) {
    return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
  }
  const bool symbol = (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
                      (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
                      (c >= 0x2200 && c <= 0x22FF) || (c >= 0x2500 && c <= 0x259F) ||
                      (c >= 0x3000 && c <= 0x3011) || (c >= 0xFF01 && c <= 0xFF0F) ||
                      (c >= 0xFF1A && c <= 0xFF20) || is_pictograph(c) || is_invisible(c);
  return !symbol;
}

}  // namespace pitchreel::text
