#include "tts/espeak_voices.h"

#include <algorithm>
#include <cctype>

namespace pitchreel {
namespace {

bool same_text(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string primary_language(const EspeakVoiceInfo& info) {
  return info.languages.empty() ? info.identifier : info.languages.front();
}

}  // namespace

Voice to_voice(const EspeakVoiceInfo& info) {
  const char* gender = info.gender == 1 ? "male" : info.gender == 2 ? "female" : "unknown";
  const std::string language = primary_language(info);
  return {language, language, gender, info.name};
}

const EspeakVoiceInfo* find_voice(std::span<const EspeakVoiceInfo> voices,
                                  std::string_view wanted) {
  if (wanted.empty()) return nullptr;
  using Match = bool (*)(const EspeakVoiceInfo&, std::string_view);
  const Match matchers[] = {
      [](const EspeakVoiceInfo& v, std::string_view w) {
        return same_text(primary_language(v), w);
      },
      [](const EspeakVoiceInfo& v, std::string_view w) { return same_text(v.name, w); },
      [](const EspeakVoiceInfo& v, std::string_view w) { return same_text(v.identifier, w); },
      [](const EspeakVoiceInfo& v, std::string_view w) {
        return std::ranges::any_of(v.languages,
                                   [&](const std::string& l) { return same_text(l, w); });
      },
  };
  for (const Match match : matchers) {
    for (const EspeakVoiceInfo& v : voices) {
      if (match(v, wanted)) return &v;
    }
  }
  return nullptr;
}

}  // namespace pitchreel
