#include "presenter/viseme.h"

#include <array>
#include <utility>

namespace pitchreel {
namespace {

// espeak-ng English (and most Latin-script voices) mnemonics. Longer entries first so
// that "aI" is found before "a"; anything not listed falls back to its first character.
constexpr std::array<std::pair<std::string_view, Viseme>, 36> kTable{{
    {"tS", Viseme::kTeeth}, {"dZ", Viseme::kTeeth}, {"aI", Viseme::kOpen},  {"aU", Viseme::kOpen},
    {"eI", Viseme::kWide},  {"oU", Viseme::kRound}, {"OI", Viseme::kRound}, {"O@", Viseme::kRound},
    {"o@", Viseme::kRound}, {"u:", Viseme::kRound}, {"i:", Viseme::kWide},  {"3:", Viseme::kOpen},
    {"A:", Viseme::kOpen},  {"O:", Viseme::kRound}, {"@L", Viseme::kTeeth}, {"m", Viseme::kClosed},
    {"b", Viseme::kClosed}, {"p", Viseme::kClosed}, {"f", Viseme::kFV},     {"v", Viseme::kFV},
    {"w", Viseme::kRound},  {"u", Viseme::kRound},  {"U", Viseme::kRound},  {"o", Viseme::kRound},
    {"O", Viseme::kRound},  {"0", Viseme::kRound},  {"a", Viseme::kOpen},   {"A", Viseme::kOpen},
    {"V", Viseme::kOpen},   {"@", Viseme::kOpen},   {"3", Viseme::kOpen},   {"E", Viseme::kWide},
    {"e", Viseme::kWide},   {"i", Viseme::kWide},   {"I", Viseme::kWide},   {"_", Viseme::kRest},
}};

}  // namespace

Viseme viseme_for_phoneme(std::string_view phoneme) {
  // Stress and length marks are not part of the sound's shape.
  while (!phoneme.empty() && (phoneme.front() == '\'' || phoneme.front() == ',')) {
    phoneme.remove_prefix(1);
  }
  if (phoneme.empty() || phoneme.front() == ';') return Viseme::kRest;
  for (const auto& [symbol, viseme] : kTable) {
    if (symbol.size() > 1 && phoneme.starts_with(symbol)) return viseme;
  }
  for (const auto& [symbol, viseme] : kTable) {
    if (symbol.size() == 1 && symbol.front() == phoneme.front()) return viseme;
  }
  return Viseme::kTeeth;  // consonants not listed: s, z, t, d, n, k, g, l, r, j, h, T, D, S, Z, N
}

MouthPose pose_for(Viseme viseme) {
  switch (viseme) {
    case Viseme::kRest:
      return {};
    case Viseme::kClosed:
      return {0.0f, 0.0f, 0.0f, 0.0f};
    case Viseme::kFV:
      return {0.12f, 0.15f, 0.1f, 1.0f};
    case Viseme::kTeeth:
      return {0.22f, 0.45f, 0.25f, 0.0f};
    case Viseme::kWide:
      return {0.45f, 0.5f, 0.7f, 0.0f};
    case Viseme::kOpen:
      return {0.9f, 0.5f, 0.15f, 0.0f};
    case Viseme::kRound:
      return {0.5f, 0.3f, -0.9f, 0.0f};
  }
  return {};
}

}  // namespace pitchreel
