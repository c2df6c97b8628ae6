#include "script/language_evidence.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "core/text_classes.h"
#include "core/utf8.h"

namespace pitchreel {
namespace {

using text::Script;
using Languages = std::uint32_t;  // one bit per language of a family's universe

struct Clue {
  std::u32string_view what;    // a letter (one code point) or a lower-case word
  std::string_view languages;  // space-separated codes of the family's universe
  // A word that alone is enough when only one language uses it: conjunctions and
  // prepositions ("und", "avec", "with"). Articles are not ("Le Creuset", "The North Face"
  // are brand names in any shop's copy).
  bool strong = false;
  // A letter sequence too common in names to decide alone ("ij": Dutch, but "Fiji").
  bool weak = false;
};

// Languages that share a script and are told apart by letters and words. The universe is
// what a shop plausibly writes in; a clue names the languages (of that universe) that use
// the letter or word commonly.
struct Family {
  std::span<const std::string_view> universe;
  std::span<const Clue> letters;
  std::span<const Clue> words;
};

// Tables, a few clues a line.
// clang-format off
constexpr std::array<std::string_view, 18> kLatin = {"en", "de", "fr", "es", "it", "pt",
                                                     "nl", "pl", "sv", "da", "nb", "fi",
                                                     "cs", "sk", "hu", "ro", "tr", "ca"};
// é, á and í are left out: borrowed words ("Café", "Glühwein à la") carry them everywhere.
constexpr Clue kLatinLetters[] = {
    {U"ß", "de"},          {U"ä", "de sv fi sk"},    {U"ö", "de sv fi hu tr"},
    {U"ü", "de hu tr es ca"}, {U"ñ", "es"},          {U"¿", "es"},
    {U"¡", "es"},          {U"ç", "fr pt ca tr"},    {U"œ", "fr"},
    {U"è", "fr it ca"},    {U"ê", "fr pt"},          {U"ë", "fr nl"},
    {U"î", "fr ro"},       {U"ï", "fr nl ca"},       {U"û", "fr"},
    {U"ù", "fr it"},       {U"ÿ", "fr"},             {U"à", "fr it pt ca"},
    {U"â", "fr pt ro"},    {U"ô", "fr pt sk"},       {U"ì", "it"},
    {U"ò", "it ca"},       {U"ó", "es pt pl ca cs sk hu"}, {U"ú", "es pt cs sk hu ca"},
    {U"ã", "pt"},          {U"õ", "pt"},             {U"ĳ", "nl"},
    {U"ij", "nl", false, true},
    {U"ł", "pl"},          {U"ą", "pl"},             {U"ę", "pl"},
    {U"ć", "pl"},          {U"ń", "pl"},             {U"ś", "pl"},
    {U"ź", "pl"},          {U"ż", "pl"},             {U"å", "sv da nb"},
    {U"æ", "da nb"},       {U"ø", "da nb"},          {U"č", "cs sk"},
    {U"ď", "cs sk"},       {U"ť", "cs sk"},          {U"ň", "cs sk"},
    {U"ý", "cs sk"},       {U"ě", "cs"},             {U"ř", "cs"},
    {U"ů", "cs"},          {U"ľ", "sk"},             {U"ĺ", "sk"},
    {U"ŕ", "sk"},          {U"ő", "hu"},             {U"ű", "hu"},
    {U"ğ", "tr"},          {U"ı", "tr"},             {U"ş", "tr ro"},
    {U"ș", "ro"},          {U"ț", "ro"},             {U"ă", "ro"},
};
// Frequent function words; nothing a product name is made of ("Pro", "Max", "Mini").
constexpr Clue kLatinWords[] = {
    {U"the", "en"},      {U"and", "en", true},      {U"with", "en", true},     {U"your", "en"},
    {U"of", "en"},       {U"for", "en da nb"}, {U"this", "en"},    {U"our", "en"},
    {U"und", "de", true},      {U"mit", "de", true},      {U"für", "de", true},      {U"der", "de"},
    {U"die", "de"},      {U"ein", "de"},      {U"eine", "de"},
    {U"ohne", "de", true},     {U"oder", "de", true},     {U"zum", "de"},      {U"aus", "de"},
    {U"et", "fr"},       {U"avec", "fr", true},     {U"pour", "fr", true},     {U"le", "fr"},
    {U"les", "fr ca"},   {U"des", "fr"},      {U"du", "fr"},       {U"une", "fr"},
    {U"sans", "fr", true},     {U"aux", "fr"},      {U"y", "es", true},        {U"con", "es it", true},
    {U"para", "es pt", true},  {U"el", "es ca"},    {U"los", "es"},      {U"las", "es"},
    {U"del", "es it ca"}, {U"una", "es it ca"}, {U"sin", "es", true},     {U"por", "es pt", true},
    {U"il", "it"},       {U"gli", "it"},      {U"per", "it ca", true},   {U"della", "it"},
    {U"di", "it"},       {U"senza", "it", true},    {U"e", "it pt"},     {U"com", "pt", true},
    {U"os", "pt"},       {U"dos", "pt"},      {U"das", "de pt"},   {U"uma", "pt"},
    {U"em", "pt"},       {U"sem", "pt", true},      {U"met", "nl", true},      {U"voor", "nl", true},
    {U"het", "nl"},      {U"een", "nl"},      {U"van", "nl"},      {U"zonder", "nl", true},
    {U"dla", "pl", true},      {U"w", "pl"},        {U"z", "pl cs"},     {U"ze", "pl cs"},
    {U"och", "sv", true},      {U"med", "sv da nb", true}, {U"för", "sv", true},     {U"till", "sv"},
    {U"og", "da nb", true},    {U"til", "da nb"},   {U"ja", "fi"},       {U"kanssa", "fi", true},
    {U"és", "hu", true},       {U"ve", "tr", true},       {U"ile", "tr", true},      {U"için", "tr", true},
    {U"și", "ro", true},       {U"cu", "ro", true},       {U"pentru", "ro", true},   {U"amb", "ca", true},
    {U"els", "ca"},
};

constexpr std::array<std::string_view, 7> kCyrillic = {"ru", "uk", "be", "bg", "sr", "mk", "kk"};
constexpr Clue kCyrillicLetters[] = {
    {U"ы", "ru be kk"},    {U"э", "ru be kk"},    {U"ё", "ru be"},       {U"ъ", "ru bg"},
    {U"щ", "ru uk bg"},    {U"и", "ru uk bg sr mk kk"}, {U"і", "uk be kk"}, {U"ї", "uk"},
    {U"є", "uk"},          {U"ґ", "uk"},          {U"ў", "be"},          {U"ђ", "sr"},
    {U"ћ", "sr"},          {U"џ", "sr mk"},       {U"љ", "sr mk"},       {U"њ", "sr mk"},
    {U"ј", "sr mk"},       {U"ѓ", "mk"},          {U"ќ", "mk"},          {U"ѕ", "mk"},
    {U"қ", "kk"},          {U"ғ", "kk"},          {U"ү", "kk"},          {U"ұ", "kk"},
    {U"ң", "kk"},          {U"һ", "kk"},          {U"ә", "kk"},          {U"ө", "kk"},
};
constexpr Clue kCyrillicWords[] = {
    {U"с", "ru bg sr mk"}, {U"для", "ru uk", true}, {U"и", "ru bg sr mk"}, {U"из", "ru bg sr"},
    {U"та", "uk", true},         {U"з", "uk be", true},   {U"і", "uk be"},      {U"за", "ru uk bg sr mk"},
};

constexpr std::array<std::string_view, 3> kArabicFamily = {"ar", "fa", "ur"};
constexpr Clue kArabicLetters[] = {
    {U"پ", "fa ur"}, {U"چ", "fa ur"}, {U"ژ", "fa ur"}, {U"گ", "fa ur"}, {U"ک", "fa ur"},
    {U"ی", "fa ur"}, {U"ٹ", "ur"},    {U"ڈ", "ur"},    {U"ڑ", "ur"},    {U"ں", "ur"},
    {U"ے", "ur"},    {U"ھ", "ur"},    {U"ۀ", "fa"},    {U"ة", "ar"},    {U"ي", "ar"},
    {U"ك", "ar"},    {U"ى", "ar"},    {U"أ", "ar"},    {U"إ", "ar"},
};

// clang-format on

constexpr Family kLatinFamily{kLatin, kLatinLetters, kLatinWords};
constexpr Family kCyrillicFamily{kCyrillic, kCyrillicLetters, kCyrillicWords};
constexpr Family kArabic{kArabicFamily, kArabicLetters, {}};

Languages mask_of(const Family& family, std::string_view codes) {
  Languages mask = 0;
  for (std::size_t i = 0; i < family.universe.size(); ++i) {
    const std::string_view code = family.universe[i];
    for (std::size_t at = codes.find(code); at != std::string_view::npos;
         at = codes.find(code, at + 1)) {
      const bool starts = at == 0 || codes[at - 1] == ' ';
      const bool ends = at + code.size() == codes.size() || codes[at + code.size()] == ' ';
      if (starts && ends) mask |= Languages{1} << i;
    }
  }
  return mask;
}

struct Evidence {
  Languages candidates = ~Languages{0};
  int pieces = 0;
  bool exclusive = false;  // a letter, or a strong word, only one language of the family uses
};

void add(const Family& family, const Clue& clue, bool letter, Evidence& evidence) {
  const Languages mask = mask_of(family, clue.languages);
  evidence.candidates &= mask;
  ++evidence.pieces;
  const bool decisive = (letter && !clue.weak) || clue.strong;
  evidence.exclusive = evidence.exclusive || (decisive && std::popcount(mask) == 1);
}

LanguageEvidence decide(const Family& family, std::u32string_view lower) {
  Evidence evidence;
  evidence.candidates = (Languages{1} << family.universe.size()) - 1;
  // Each distinct letter or word counts once: "ääää" is one piece of evidence.
  for (const Clue& clue : family.letters) {
    if (lower.find(clue.what) != std::u32string_view::npos) add(family, clue, true, evidence);
  }
  std::vector<std::u32string_view> seen;
  for (std::size_t start = 0; start < lower.size();) {
    std::size_t end = start;
    while (end < lower.size() && text::is_word_char(lower[end])) ++end;
    const std::u32string_view word = lower.substr(start, end - start);
    start = end + 1;
    if (word.empty() || std::ranges::find(seen, word) != seen.end()) continue;
    seen.push_back(word);
    for (const Clue& clue : family.words) {
      if (clue.what == word) add(family, clue, false, evidence);
    }
  }
  LanguageEvidence out;
  if (evidence.pieces == 0) return out;
  for (std::size_t i = 0; i < family.universe.size(); ++i) {
    if ((evidence.candidates >> i) & 1U) out.possible.emplace_back(family.universe[i]);
  }
  if (out.possible.size() == 1 && (evidence.exclusive || evidence.pieces >= 2)) {
    out.language = out.possible.front();
  }
  return out;
}

LanguageEvidence one(std::string_view language) {
  return {std::string(language), {std::string(language)}};
}

// Scripts written in (essentially) one language.
std::optional<std::string_view> sole_language(Script script) {
  switch (script) {
    case Script::kGreek:
      return "el";
    case Script::kArmenian:
      return "hy";
    case Script::kGeorgian:
      return "ka";
    case Script::kHebrew:
      return "he";
    case Script::kThai:
      return "th";
    case Script::kLao:
      return "lo";
    case Script::kKhmer:
      return "km";
    case Script::kMyanmar:
      return "my";
    case Script::kSinhala:
      return "si";
    case Script::kBengali:
      return "bn";
    case Script::kGurmukhi:
      return "pa";
    case Script::kGujarati:
      return "gu";
    case Script::kTamil:
      return "ta";
    case Script::kTelugu:
      return "te";
    case Script::kKannada:
      return "kn";
    case Script::kMalayalam:
      return "ml";
    // Hindi: Marathi and Nepali share the script and have no letters of their own that a
    // few words would show.
    case Script::kDevanagari:
      return "hi";
    case Script::kHangul:
      return "ko";
    default:
      return std::nullopt;
  }
}

}  // namespace

LanguageEvidence weigh_language_evidence(std::string_view text) {
  std::u32string lower;
  std::map<Script, int> weight;
  int latin = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = text::to_lower(utf8::next(text, pos));
    lower.push_back(c);
    if (!text::is_letter(c)) continue;
    const Script script = text::script_of(c);
    if (script == Script::kCommon) continue;  // "ー", "µ": shared by many scripts
    // An ideograph or a kana or Hangul syllable says as much as a few Latin letters.
    const bool syllabic = script == Script::kHan || script == Script::kHiragana ||
                          script == Script::kKatakana || script == Script::kHangul;
    (script == Script::kLatin ? latin : weight[script]) += syllabic ? 3 : 1;
  }
  // The script with most letters decides; a Latin brand name inside Japanese or
  // Russian copy ("iPhone ケース") does not make it Latin text, and a stray "µ" in
  // Latin copy does not make it Greek.
  Script dominant = Script::kLatin;
  int most = latin;
  const int kana = weight[Script::kHiragana] + weight[Script::kKatakana];
  const int cjk = kana + weight[Script::kHan];
  for (const auto& [script, w] : weight) {
    const bool han_or_kana =
        script == Script::kHan || script == Script::kHiragana || script == Script::kKatakana;
    const int total = han_or_kana ? cjk : w;
    // Ties go to the other script: "iPhone ケース" is Japanese copy.
    if (total > most || (total == most && dominant == Script::kLatin))
      most = total, dominant = script;
  }
  if (most == 0) return {};
  if (dominant == Script::kHan || dominant == Script::kHiragana || dominant == Script::kKatakana) {
    // Kana is Japanese only; Chinese copy is ideographs alone.
    return one(kana > 0 ? "ja" : "zh");
  }
  if (dominant == Script::kHebrew) {
    const bool yiddish = lower.find_first_of(U"\u05F0\u05F1\u05F2\uFB1F") != std::u32string::npos;
    return one(yiddish ? "yi" : "he");
  }
  if (auto sole = sole_language(dominant)) return one(*sole);
  switch (dominant) {
    case Script::kLatin:
      return decide(kLatinFamily, lower);
    case Script::kCyrillic:
      return decide(kCyrillicFamily, lower);
    case Script::kArabic:
      return decide(kArabic, lower);
    default:
      return {};
  }
}

std::string language_from_evidence(std::string_view text) {
  return weigh_language_evidence(text).language;
}

}  // namespace pitchreel
