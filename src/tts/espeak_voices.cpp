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

std::string bcp47_locale(std::string_view tag) {
  std::string out(tag);
  // Region subtags are upper case ("en-US"); script and variant subtags stay as they are.
  const std::size_t dash = out.find('-');
  if (dash != std::string::npos) {
    const std::size_t end = out.find('-', dash + 1);
    const std::size_t length = (end == std::string::npos ? out.size() : end) - dash - 1;
    if (length == 2) {
      for (std::size_t i = dash + 1; i < dash + 3; ++i)
        out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
    }
  }
  return out;
}

std::string iso_language(const EspeakVoiceInfo& info) {
  // espeak names Mandarin "cmn" but also lists "zh-cmn" and "zh": prefer a two-letter code.
  for (const std::string& tag : info.languages) {
    const std::string_view primary = std::string_view(tag).substr(0, tag.find('-'));
    if (primary.size() == 2) return std::string(primary);
  }
  const std::string first = primary_language(info);
  return first.substr(0, first.find('-'));
}

Voice to_voice(const EspeakVoiceInfo& info) {
  // espeak-ng's language voices speak with its default (male) variant unless the voice
  // file says otherwise; gender 0 means the file does not say.
  const char* gender = info.gender == 2 ? "female" : "male";
  const std::string id = primary_language(info);
  Voice v;
  v.id = id;
  v.language = iso_language(info);
  v.locale = bcp47_locale(id);
  v.gender = gender;
  v.name = info.name;
  return v;
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
