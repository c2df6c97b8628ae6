#include "render/caption_text.h"

#include "core/text_classes.h"
#include "core/utf8.h"

namespace pitchreel {
namespace {

constexpr char32_t kNoBreakSpace = 0x00A0;

std::string clean_text(std::string_view word, char32_t inner_space) {
  std::string out;
  out.reserve(word.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < word.size()) {
    const char32_t cp = utf8::next(word, pos);
    if (text::is_breaking_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (text::is_control(cp)) continue;
    if (pending_space) utf8::append(out, inner_space);
    pending_space = false;
    utf8::append(out, cp);
  }
  return out;
}

}  // namespace

std::string clean_caption_word(std::string_view word) { return clean_text(word, kNoBreakSpace); }

std::string clean_caption_line(std::string_view line) { return clean_text(line, ' '); }

}  // namespace pitchreel
