#include "script/script_phrases.h"

#include <algorithm>
#include <array>

namespace pitchreel::phrases {
namespace {

using Words = std::string_view;

constexpr Words kEnJoin[] = {"with", "for", "featuring", "including"};
constexpr Words kDeJoin[] = {"mit", "für", "inklusive"};
constexpr Words kFrJoin[] = {"avec", "pour"};
constexpr Words kEsJoin[] = {"con", "para"};
constexpr Words kItJoin[] = {"con", "per"};
constexpr Words kPtJoin[] = {"com", "para"};
constexpr Words kNlJoin[] = {"met", "voor"};
constexpr Words kPlJoin[] = {"z", "ze", "dla"};

constexpr Words kEnCta[] = {"order now", "order yours", "order today", "buy now", "buy yours",
                            "buy today", "shop now", "get yours", "add to cart"};
constexpr Words kDeCta[] = {"jetzt bestellen", "jetzt kaufen", "bestellen sie", "kaufen sie",
                            "bestelle jetzt", "kaufe jetzt", "gleich bestellen"};
constexpr Words kFrCta[] = {"commandez", "achetez", "commander maintenant", "acheter maintenant"};
constexpr Words kEsCta[] = {"cómpral", "compra ya", "compra ahora", "compra hoy", "pídel",
                            "pide ya", "pide hoy", "¡cómpral", "¡compra", "¡pídel", "¡pide"};
constexpr Words kItCta[] = {"acquista", "ordina", "compra ora", "compralo", "comprala"};
constexpr Words kPtCta[] = {"compre já", "compre agora", "compre hoje", "peça já", "peça o seu",
                            "encomende", "garanta o seu", "garanta já"};
constexpr Words kNlCta[] = {"bestel nu", "bestel vandaag", "koop nu", "bestel het", "koop het"};
constexpr Words kPlCta[] = {"zamów", "kup teraz", "kup już", "kup dziś"};

constexpr std::array<LanguagePhrases, 8> kLanguages = {{
    {"en", "Meet the ", "Meet ", "the ", "Order yours today.", kEnJoin, kEnCta},
    {"de", "Darf ich vorstellen: ", "Darf ich vorstellen: ", "", "Bestellen Sie noch heute.",
     kDeJoin, kDeCta},
    {"fr", "Voici ", "Voici ", "", "Commandez dès aujourd'hui.", kFrJoin, kFrCta},
    {"es", "Te presentamos ", "Te presentamos ", "", "Pídelo hoy mismo.", kEsJoin, kEsCta},
    {"it", "Ecco ", "Ecco ", "", "Ordinalo oggi stesso.", kItJoin, kItCta},
    {"pt", "Conheça ", "Conheça ", "", "Peça já o seu.", kPtJoin, kPtCta},
    {"nl", "Maak kennis met ", "Maak kennis met ", "", "Bestel vandaag nog.", kNlJoin, kNlCta},
    {"pl", "Poznaj ", "Poznaj ", "", "Zamów już dziś.", kPlJoin, kPlCta},
}};

bool same_ascii(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

}  // namespace

const LanguagePhrases* for_language(std::string_view language) {
  for (const LanguagePhrases& p : kLanguages) {
    if (same_ascii(p.language, language)) return &p;
  }
  return nullptr;
}

const LanguagePhrases& english() { return kLanguages.front(); }

}  // namespace pitchreel::phrases
