// How espeak-ng's voice list is presented to users and how --voice values are resolved.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tts/espeak_library.h"
#include "tts/speech.h"

namespace pitchreel {

// Voice.id is the voice's preferred language ("en-us", "de"), which is what people type;
// the espeak name ("English (America)") and file identifier ("gmw/en-US") are accepted too.
// language is the ISO 639-1 code where espeak lists one ("zh" for Mandarin), locale the
// BCP-47 form of the id ("en-US", "cmn").
Voice to_voice(const EspeakVoiceInfo& info);

// "en-us" -> "en-US"; "cmn-latn-pinyin" stays as it is.
std::string bcp47_locale(std::string_view tag);

// Case-insensitive lookup in this order: id, name, identifier, any listed language
// (so "en" finds an English voice). nullptr when nothing matches.
const EspeakVoiceInfo* find_voice(std::span<const EspeakVoiceInfo> voices, std::string_view wanted);

}  // namespace pitchreel
