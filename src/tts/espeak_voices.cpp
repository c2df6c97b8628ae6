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
  // Region subtags upper case ("en-US"), script subtags title case ("cmn-Latn-pinyin").
  std::string out;
  std::size_t begin = 0;
  bool first = true;
  while (begin <= tag.size()) {
    const std::size_t end = std::min(tag.find('-', begin), tag.size());
    std::string part(tag.substr(begin, end - begin));
    if (!first && part.size() == 2) {
      for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!first && part.size() == 4) {
      part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    }
    out += (first ? "" : "-") + part;
    first = false;
    begin = end + 1;
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
