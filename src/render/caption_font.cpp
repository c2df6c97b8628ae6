#include "render/caption_font.h"

#include <array>

#include "core/utf8.h"

namespace pitchreel {
namespace {

enum Script { kLatin, kArabic, kHebrew, kDevanagari, kThai, kHan, kKana, kHangul, kCount };

Script script_of(char32_t cp) {
  if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
      (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF)) {
    return kArabic;
  }
  if (cp >= 0x0590 && cp <= 0x05FF) return kHebrew;
  if (cp >= 0x0900 && cp <= 0x097F) return kDevanagari;
  if (cp >= 0x0E00 && cp <= 0x0E7F) return kThai;
  if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF)) return kKana;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
      (cp >= 0x3130 && cp <= 0x318F)) {
    return kHangul;
  }
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x20000 && cp <= 0x2FFFF) || (cp >= 0xF900 && cp <= 0xFAFF)) {
    return kHan;
  }
  return kLatin;  // and Greek, Cyrillic, digits, punctuation: DejaVu Sans has them all
}

}  // namespace

std::string caption_font_family(std::string_view text) {
  std::array<int, kCount> count{};
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::next(text, pos);
    if (cp > 0x7F) ++count[script_of(cp)];
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
