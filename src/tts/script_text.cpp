#include "tts/script_text.h"

#include <fmt/format.h>

#include "core/utf8.h"

namespace pitchreel {
namespace {

bool is_space(char32_t c) {
  return c == U' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Characters with no visible or spoken meaning that would still reach the engine.
bool is_invisible(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||                      // C0/C1 controls, DEL
         c == 0x200B || c == 0x200D || c == 0x2060 || c == 0xFEFF ||  // zero-width
         (c >= 0x200E && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) ||                                    // bidi controls
         (c >= 0xE0000 && c <= 0xE007F) || (c >= 0xFE00 && c <= 0xFE0F) ||  // tags, selectors
         c == 0x20E3 || c == 0xFFFD;  // keycap combiner, replacement character
}

// Emoji and pictographic symbols: espeak-ng reads their Unicode names aloud.
bool is_pictograph(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x2190 && c <= 0x21FF) ||
         (c >= 0x2300 && c <= 0x23FF) || (c >= 0x25A0 && c <= 0x25FF);
}

// Punctuation and symbol blocks. Anything else outside ASCII is treated as a letter:
// without ICU this errs on the side of letting the engine try.
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

constexpr const char* kEmptyMessage =
    "The script is empty. Write what the presenter should say, or give --product-name and "
    "--description to get a suggested one.";
constexpr const char* kUnspeakableMessage =
    "The script has nothing that can be spoken: it contains only emoji, punctuation or "
    "symbols. Write the words the presenter should say.";

}  // namespace

Result<std::string> normalize_script(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool pending_space = false;
  bool saw_visible = false;  // tells "empty" apart from "only emoji"
  bool saw_speakable = false;
  for (std::size_t pos = 0; pos < raw.size();) {
    const utf8::Decoded d = utf8::decode(raw, pos);
    pos += d.length;
    if (!d.valid) continue;
    const char32_t c = d.code_point;
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (is_invisible(c)) continue;
    saw_visible = true;
    if (is_pictograph(c)) {
      pending_space = true;  // "great👍deal" reads as two words, not one
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    utf8::append(out, c);
    saw_speakable = saw_speakable || !is_punctuation_or_symbol(c);
  }
  if (out.empty() && !saw_visible) return fail(Error::invalid("script_empty", kEmptyMessage));
  if (!saw_speakable) return fail(Error::invalid("script_unspeakable", kUnspeakableMessage));
  return out;
}

Status check_script_length(std::string_view normalized, std::size_t max_chars) {
  const std::size_t length = utf8::length(normalized);
  if (length <= max_chars) return {};
  return fail(Error::invalid(
      "script_too_long",
      fmt::format("The script has {} characters; the limit is {}. Shorten it by {} characters.",
                  length, max_chars, length - max_chars)));
}

}  // namespace pitchreel
