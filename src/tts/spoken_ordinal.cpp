#include "tts/spoken_ordinal.h"

#include <array>

namespace pitchreel {
namespace {

// 1..99 from the written digits; nullopt for anything else (leading zeros included).
std::optional<int> small_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 2 || digits[0] == '0') return std::nullopt;
  int n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Splits "21st" into its digits and the rest.
std::pair<std::string_view, std::string_view> split_digits(std::string_view token) {
  std::size_t end = 0;
  while (end < token.size() && token[end] >= '0' && token[end] <= '9') ++end;
  return {token.substr(0, end), token.substr(end)};
}

// ---- English: "twenty" + "-" + "first"; teens and tens have their own forms.
constexpr std::array<std::string_view, 20> kEnOrdinal = {
    "",          "first",      "second",     "third",      "fourth",      "fifth",      "sixth",
    "seventh",   "eighth",     "ninth",      "tenth",      "eleventh",    "twelfth",    "thirteenth",
    "fourteenth", "fifteenth", "sixteenth",  "seventeenth", "eighteenth", "nineteenth"};
constexpr std::array<std::string_view, 10> kEnTens = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<std::string_view, 10> kEnTensOrdinal = {
    "",          "",          "twentieth", "thirtieth", "fortieth",
    "fiftieth",  "sixtieth",  "seventieth", "eightieth", "ninetieth"};

std::string english(int n) {
  if (n < 20) return std::string(kEnOrdinal[n]);
  if (n % 10 == 0) return std::string(kEnTensOrdinal[n / 10]);
  return std::string(kEnTens[n / 10]) + "-" + std::string(kEnOrdinal[n % 10]);
}

bool english_suffix_fits(int n, std::string_view suffix) {
  const int last = n % 10, last_two = n % 100;
  std::string_view expected = "th";
  if (last_two < 11 || last_two > 13) {
    if (last == 1) expected = "st";
    if (last == 2) expected = "nd";
    if (last == 3) expected = "rd";
  }
  return suffix == expected || (suffix.size() == 2 && (suffix[0] | 0x20) == expected[0] &&
                                (suffix[1] | 0x20) == expected[1]);
}

// ---- French: the cardinal, then "ième" by the spelling rules; 1 is "premier/première".
constexpr std::array<std::string_view, 20> kFrCardinal = {
    "",     "un",       "deux",    "trois",    "quatre",   "cinq",     "six",
    "sept", "huit",     "neuf",    "dix",      "onze",     "douze",    "treize",
    "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"};
constexpr std::array<std::string_view, 7> kFrTens = {"",         "",          "vingt",   "trente",
                                                     "quarante", "cinquante", "soixante"};

std::string french_cardinal(int n) {
  if (n < 20) return std::string(kFrCardinal[n]);
  if (n < 70) {
    const std::string tens(kFrTens[n / 10]);
    if (n % 10 == 0) return tens;
    if (n % 10 == 1) return tens + " et un";
    return tens + "-" + std::string(kFrCardinal[n % 10]);
  }
  if (n < 80) return n == 71 ? "soixante et onze" : "soixante-" + std::string(kFrCardinal[n - 60]);
  if (n == 80) return "quatre-vingts";
  return "quatre-vingt-" + std::string(kFrCardinal[n - 80]);
}

std::string french(int n) {
  std::string c = french_cardinal(n);
  if (c.ends_with("quatre-vingts")) c.pop_back();
  if (c.ends_with("cinq")) return c + "uième";
  if (c.ends_with("neuf")) return c.substr(0, c.size() - 1) + "vième";
  if (c.ends_with('e')) c.pop_back();
  return c + "ième";
}

// ---- Spanish: "vigésimo primero"; feminine ends in -a; apocopated "primer", "tercer".
constexpr std::array<std::string_view, 13> kEsUnits = {
    "",        "primero", "segundo", "tercero", "cuarto",  "quinto",   "sexto",
    "séptimo", "octavo",  "noveno",  "décimo",  "undécimo", "duodécimo"};
constexpr std::array<std::string_view, 10> kEsTens = {
    "",          "décimo",     "vigésimo",   "trigésimo",  "cuadragésimo",
    "quincuagésimo", "sexagésimo", "septuagésimo", "octogésimo", "nonagésimo"};

std::string spanish(int n, bool feminine, bool short_form) {
  std::string out;
  if (n <= 12) {
    out = std::string(kEsUnits[n]);
  } else if (n < 20) {
    out = "decimo" + std::string(kEsUnits[n - 10]);
  } else {
    out = std::string(kEsTens[n / 10]);
    if (n % 10) out += " " + std::string(kEsUnits[n % 10]);
  }
  if (feminine) {
    // Every word of the compound agrees: "vigésima primera".
    for (std::size_t pos = 0; (pos = out.find("o ", pos)) != std::string::npos; ++pos) out[pos] = 'a';
    out.back() = 'a';
  } else if (short_form && (out.ends_with("primero") || out.ends_with("tercero"))) {
    out.pop_back();
  }
  return out;
}

}  // namespace

std::optional<std::string> spoken_ordinal(std::string_view language, std::string_view token) {
  const auto [digits, suffix] = split_digits(token);
  const auto n = small_number(digits);
  if (!n || suffix.empty()) return std::nullopt;
  if (language == "en") {
    if (english_suffix_fits(*n, suffix)) return english(*n);
    return std::nullopt;
  }
  if (language == "fr") {
    if (*n == 1) {
      if (suffix == "er") return "premier";
      if (suffix == "re" || suffix == "ère") return "première";
      return std::nullopt;
    }
    if (*n == 2 && suffix == "nd") return "second";
    if (*n == 2 && suffix == "nde") return "seconde";
    if (suffix == "e" || suffix == "ème" || suffix == "ième" || suffix == "ᵉ") return french(*n);
    return std::nullopt;
  }
  if (language == "es") {
    std::string_view mark = suffix;
    if (mark.starts_with('.')) mark.remove_prefix(1);
    if (mark == "º" || mark == "°") return spanish(*n, false, false);
    if (mark == "ª") return spanish(*n, true, false);
    if (mark == "er" && (*n % 10 == 1 || *n % 10 == 3) && *n != 11 && *n != 13)
      return spanish(*n, false, true);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> german_ordinal(std::string_view digits, std::string_view previous) {
  static constexpr std::array<std::string_view, 20> kUnits = {
      "",       "erste",    "zweite",   "dritte",   "vierte",    "fünfte",    "sechste",
      "siebte", "achte",    "neunte",   "zehnte",   "elfte",     "zwölfte",   "dreizehnte",
      "vierzehnte", "fünfzehnte", "sechzehnte", "siebzehnte", "achtzehnte", "neunzehnte"};
  static constexpr std::array<std::string_view, 10> kTens = {
      "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"};
  static constexpr std::array<std::string_view, 10> kOnes = {
      "", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"};
  static constexpr std::array<std::string_view, 9> kBeforeN = {"dem", "den", "des", "zum", "zur",
                                                               "am",  "im",  "vom", "beim"};
  const auto n = small_number(digits);
  if (!n) return std::nullopt;
  std::string out;
  if (*n < 20) {
    out = std::string(kUnits[*n]);
  } else {
    if (*n % 10) out = std::string(kOnes[*n % 10]) + "und";
    out += std::string(kTens[*n / 10]) + "ste";
  }
  // The article may open the sentence ("Am 1. Mai").
  std::string article(previous);
  if (!article.empty() && article[0] >= 'A' && article[0] <= 'Z') article[0] += 'a' - 'A';
  for (const std::string_view form : kBeforeN) {
    if (article == form) return out + "n";
  }
  return out;
}

}  // namespace pitchreel
