// The caption font for a text: the Noto family drawn for its script (Arabic, Hebrew,
// Devanagari, Thai, CJK: Simplified Chinese, Japanese when kana appear, Korean when hangul
// do), DejaVu Sans for Latin, Greek and Cyrillic. libass still falls back per character
// (fontconfig) for anything the family lacks; naming the script's own family keeps a line
// in one consistent design and shaped by the font made for it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tts/speech.h"

namespace pitchreel {

std::string caption_font_family(std::string_view text);
std::string caption_font_family(const std::vector<WordTiming>& words);

}  // namespace pitchreel
