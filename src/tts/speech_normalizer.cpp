#include "tts/speech_normalizer.h"

#include <algorithm>
#include <array>
#include <optional>

#include "tts/spoken_ordinal.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

struct Words {
  std::string_view language;
  std::string_view percent;
  std::string_view dollars, euros, pounds;
  std::string_view cents_joiner;  // "" or "con" between whole and cents
  std::string_view ounces, milliliters, liters, grams, kilograms, centimeters, millimeters,
      watts, hours;
  std::string_view pack;
};

constexpr std::array<Words, 4> kWords = {{
    {"en", "percent", "dollars", "euros", "pounds", "", "ounces", "milliliters", "liters",
     "grams", "kilograms", "centimeters", "millimeters", "watts", "hours", "pack"},
    {"de", "Prozent", "Dollar", "Euro", "Pfund", "", "Unzen", "Milliliter", "Liter", "Gramm",
     "Kilogramm", "Zentimeter", "Millimeter", "Watt", "Stunden", "Pack"},
    {"fr", "pour cent", "dollars", "euros", "livres", "", "onces", "millilitres", "litres",
     "grammes", "kilogrammes", "centimètres", "millimètres", "watts", "heures",
     "pack"},
    {"es", "por ciento", "dólares", "euros", "libras", "con", "onzas", "mililitros", "litros",
     "gramos", "kilogramos", "centímetros", "milímetros", "vatios", "horas",
     "pack"},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool all_digits(std::string_view s) { return !s.empty() && std::ranges::all_of(s, is_digit); }

std::string_view unit_word(const Words& w, std::string_view unit) {
  struct Unit {
    std::string_view symbol;
    std::string_view Words::*word;
  };
  static constexpr Unit kUnits[] = {
      {"oz", &Words::ounces},       {"ml", &Words::milliliters}, {"l", &Words::liters},
      {"g", &Words::grams},         {"kg", &Words::kilograms},   {"cm", &Words::centimeters},
      {"mm", &Words::millimeters},  {"W", &Words::watts},
      {"h", &Words::hours},         {"hrs", &Words::hours},      {"ML", &Words::milliliters},
      {"L", &Words::liters},
  };
  for (const Unit& u : kUnits) {
    if (u.symbol == unit) return w.*u.word;
  }
  return {};
}

// "19.99", "19,99", "19" -> whole and cents ("" when none).
std::optional<std::pair<std::string, std::string>> amount(std::string_view s) {
  const std::size_t sep = s.find_first_of(".,");
  if (sep == std::string_view::npos) {
    if (!all_digits(s)) return std::nullopt;
    return std::pair{std::string(s), std::string()};
  }
  const std::string_view whole = s.substr(0, sep), cents = s.substr(sep + 1);
  if (!all_digits(whole) || cents.size() != 2 || !all_digits(cents)) return std::nullopt;
  return std::pair{std::string(whole), cents == "00" ? std::string() : std::string(cents)};
}

std::string money(const Words& w, const std::pair<std::string, std::string>& a,
                  std::string_view currency) {
  std::string out = a.first + " " + std::string(currency);
  if (!a.second.empty()) {
    if (!w.cents_joiner.empty()) out += " " + std::string(w.cents_joiner);
    out += " " + a.second;
  }
  return out;
}

std::string_view currency_of(const Words& w, std::string_view symbol) {
  if (symbol == "$") return w.dollars;
  if (symbol == "€") return w.euros;
  if (symbol == "£") return w.pounds;
  return {};
}

// Splits letters from digits and drops hyphens: "WH-1000XM5" -> "WH 1000 XM 5".
std::optional<std::string> model_number(std::string_view s) {
  if (s.size() < 4 || !std::ranges::all_of(s, [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; }))
    return std::nullopt;
  const bool letters = std::ranges::any_of(s, is_alpha), digits = std::ranges::any_of(s, is_digit);
  if (!letters || !digits) return std::nullopt;
  std::string out;
  int groups = 0;
  char previous = '-';
  for (const char c : s) {
    if (c == '-') {
      previous = c;
      continue;
    }
    const bool boundary = previous == '-' || is_digit(c) != is_digit(previous);
    if (boundary) {
      if (!out.empty()) out += ' ';
      ++groups;
    }
    out += c;
    previous = c;
  }
  return groups >= 3 ? std::optional(out) : std::nullopt;
}

// One written token (no spaces; punctuation around it already split off) -> spoken text,
// or nullopt when it is read as written. `next` is the following token, for "19,99 €" and
// "50 %" and "12 oz"; *consumed_next is set when it was used.
std::optional<std::string> speak(const Words& w, std::string_view token, std::string_view next,
                                 bool* consumed_next) {
  *consumed_next = false;
  // 3rd, 2e, 1.º
  if (auto ordinal = spoken_ordinal(w.language, token)) return ordinal;
  // $19.99, €19.99, £5
  for (std::string_view symbol : {"$", "€", "£"}) {
    if (token.starts_with(symbol)) {
      if (auto a = amount(token.substr(symbol.size()))) return money(w, *a, currency_of(w, symbol));
    }
    // 19,99€ / 19.99€ / 19,99 €
    if (token.ends_with(symbol)) {
      if (auto a = amount(token.substr(0, token.size() - symbol.size())))
        return money(w, *a, currency_of(w, symbol));
    }
    if (next == symbol) {
      if (auto a = amount(token)) {
        *consumed_next = true;
        return money(w, *a, currency_of(w, symbol));
      }
    }
  }
  // 50% / 50 %
  if (token.ends_with('%') && amount(token.substr(0, token.size() - 1)))
    return std::string(token.substr(0, token.size() - 1)) + " " + std::string(w.percent);
  if (next == "%" && amount(token)) {
    *consumed_next = true;
    return std::string(token) + " " + std::string(w.percent);
  }
  // 12 oz / 500ml
  if (all_digits(token) || amount(token)) {
    if (const auto unit = unit_word(w, next); !unit.empty()) {
      *consumed_next = true;
      return std::string(token) + " " + std::string(unit);
    }
  }
  const std::size_t digits_end = token.find_first_not_of("0123456789.,");
  if (digits_end != std::string_view::npos && digits_end > 0 && amount(token.substr(0, digits_end))) {
    const std::string_view rest = token.substr(digits_end);
    if (const auto unit = unit_word(w, rest); !unit.empty())
      return std::string(token.substr(0, digits_end)) + " " + std::string(unit);
    if (rest == "-pack" || rest == "-Pack" || rest == "er-Pack")
      return std::string(token.substr(0, digits_end)) + " " + std::string(w.pack);
    if (rest == "K" || rest == "k") return std::string(token.substr(0, digits_end)) + " K";
  }
  // USB-C, Wi-Fi stay readable when split at the hyphen after an acronym.
  if (token.size() >= 5 && token[token.size() - 2] == '-' && is_alpha(token.back()) &&
      std::ranges::all_of(token.substr(0, token.size() - 2), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return std::string(token.substr(0, token.size() - 2)) + " " + token.back();
  return model_number(token);
}

bool is_edge_punct(char c) {
  return c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '(' ||
         c == ')' || c == '"' || c == '\'';
}

}  // namespace

NormalizedScript normalize_for_speech(std::string_view written, std::string_view language) {
  NormalizedScript out;
  const auto words = split_words(written);
  const Words* w = nullptr;
  for (const Words& candidate : kWords) {
    if (candidate.language == language) w = &candidate;
  }
  const auto emit = [&](std::string_view text, std::size_t source) {
    if (!out.spoken.empty()) out.spoken += ' ';
    out.spoken += text;
    for (std::size_t n = split_words(text).size(); n > 0; --n) out.source.push_back(source);
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (w == nullptr) {
      emit(word, i);
      continue;
    }
    // Punctuation around a token is kept around its spoken form ("(19,99 €)." ...).
    std::size_t lead = 0;
    while (lead < word.size() && is_edge_punct(word[lead]) && word[lead] != '.') ++lead;
    std::size_t trail = word.size();
    while (trail > lead && is_edge_punct(word[trail - 1]) && word[trail - 1] != '%') --trail;
    const std::string_view core = word.substr(lead, trail - lead);
    std::string_view next = i + 1 < words.size() ? words[i + 1] : std::string_view();
    std::size_t next_trail = next.size();
    while (next_trail > 0 && is_edge_punct(next[next_trail - 1])) --next_trail;
    const std::string_view next_core = next.substr(0, next_trail);
    // German ordinals: "die 3. Generation" -- the period belongs to the number when a word
    // follows in the same sentence; it is read "dritte" and not as a full stop.
    if (w->language == "de" && word.substr(trail) == "." && !next.empty() &&
        static_cast<unsigned char>(next.front()) >= 'A') {
      if (auto ordinal = german_ordinal(core, i > 0 ? words[i - 1] : std::string_view())) {
        emit(std::string(word.substr(0, lead)) + *ordinal, i);
        continue;
      }
    }
    bool consumed = false;
    const auto spoken = core.empty() ? std::nullopt : speak(*w, core, next_core, &consumed);
    if (!spoken) {
      emit(word, i);
      continue;
    }
    std::string text = std::string(word.substr(0, lead)) + *spoken;
    if (consumed) {
      text += std::string(word.substr(trail));
      text += std::string(next.substr(next_trail));
      emit(text, i);
      out.source.back() = i + 1;  // the last spoken word ends the second written one
      ++i;
    } else {
      text += std::string(word.substr(trail));
      emit(text, i);
    }
  }
  return out;
}

std::vector<WordTiming> timings_for_written(std::string_view written,
                                            const NormalizedScript& normalized,
                                            std::span<const WordTiming> spoken) {
  const auto words = split_words(written);
  std::vector<WordTiming> out(words.size());
  std::vector<bool> timed(words.size(), false);
  for (std::size_t k = 0; k < spoken.size() && k < normalized.source.size(); ++k) {
    const std::size_t i = normalized.source[k];
    if (i >= out.size()) continue;
    if (!timed[i]) out[i].start = spoken[k].start;
    out[i].end = std::max(out[i].end, spoken[k].end);
    timed[i] = true;
  }
  double previous_end = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].text = std::string(words[i]);
    if (timed[i]) {
      out[i].start = std::max(out[i].start, previous_end);
      out[i].end = std::max(out[i].end, out[i].start);
    } else {
      // Nothing spoken for it (it was folded into its neighbour): the next timed start.
      double next_start = previous_end;
      for (std::size_t j = i + 1; j < out.size(); ++j) {
        if (timed[j]) {
          next_start = std::max(out[j].start, previous_end);
          break;
        }
      }
      out[i].start = previous_end;
      out[i].end = next_start;
    }
    previous_end = out[i].end;
  }
  return out;
}

}  // namespace pitchreel
