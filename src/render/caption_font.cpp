#include "render/caption_font.h"

#include <array>

#include "core/text_classes.h"
#include "core/utf8.h"

namespace pitchreel {
namespace {

enum Family { kLatin, kArabic, kHebrew, kDevanagari, kThai, kHan, kKana, kHangul, kCount };

// DejaVu Sans draws Latin, Greek, Cyrillic, digits and punctuation; the rest need Noto.
Family family_of(char32_t cp) {
  switch (text::script_of(cp)) {
    case text::Script::kArabic:
      return kArabic;
    case text::Script::kHebrew:
      return kHebrew;
    case text::Script::kDevanagari:
      return kDevanagari;
    case text::Script::kThai:
      return kThai;
    case text::Script::kHiragana:
    case text::Script::kKatakana:
      return kKana;
    case text::Script::kHangul:
      return kHangul;
    case text::Script::kHan:
      return kHan;
    default:
      return kLatin;
  }
}

}  // namespace

std::string caption_font_family(std::string_view text) {
  std::array<int, kCount> count{};
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::next(text, pos);
    if (cp > 0x7F) ++count[family_of(cp)];
  }
  if (count[kKana] > 0) return "Noto Sans CJK JP";
  if (count[kHangul] > 0) return "Noto Sans CJK KR";
  if (count[kHan] > 0) return "Noto Sans CJK SC";
  int best = kLatin;
  for (int s = kArabic; s < kCount; ++s) {
    if (count[static_cast<std::size_t>(s)] > count[static_cast<std::size_t>(best)]) best = s;
  }
  switch (best) {
    case kArabic:
      return "Noto Sans Arabic";
    case kHebrew:
      return "Noto Sans Hebrew";
    case kDevanagari:
      return "Noto Sans Devanagari";
    case kThai:
      return "Noto Sans Thai";
    default:
      return "DejaVu Sans";
  }
}

std::string caption_font_family(const std::vector<WordTiming>& words) {
  std::string all;
  for (const auto& w : words) all += w.text;
  return caption_font_family(all);
}

}  // namespace pitchreel
