#include "tts/script_text.h"

#include <fmt/format.h>

#include "core/text_classes.h"
#include "core/utf8.h"

namespace pitchreel {
namespace {

using text::is_invisible;
using text::is_pictograph;
using text::is_punctuation_or_symbol;
using text::is_space;

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
