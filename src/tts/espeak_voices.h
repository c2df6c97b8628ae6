// How espeak-ng's voice list is presented to users and how --voice values are resolved.
#pragma once

#include <span>
#include <string_view>

#include "tts/espeak_library.h"
#include "tts/speech.h"

namespace pitchreel {

// Voice.id is the voice's preferred language ("en-us", "de"), which is what people type;
// the espeak name ("English (America)") and file identifier ("gmw/en-US") are accepted too.
Voice to_voice(const EspeakVoiceInfo& info);

// Case-insensitive lookup in this order: id, name, identifier, any listed language
// (so "en" finds an English voice). nullptr when nothing matches.
const EspeakVoiceInfo* find_voice(std::span<const EspeakVoiceInfo> voices, std::string_view wanted);

}  // namespace pitchreel
