// The language of text too short for n-gram statistics ("Größe M", "Кружка с крышкой",
// "保温杯", "Taza azul y roja"), from evidence that holds on a few letters:
//  - the Unicode script of its letters (core/text_classes.h): Greek, Hebrew, Thai,
//    Hangul, kana, Georgian, Armenian and most Indic scripts name one language; Han
//    without kana is Chinese; Cyrillic and Arabic are narrowed by the letters only some
//    of their languages use (ы/э → Russian or Belarusian, ї/є/ґ → Ukrainian, پ/چ/گ →
//    Persian or Urdu, ة → Arabic);
//  - in Latin text, letters only some languages use (ß → German, ñ ¿ ¡ → Spanish,
//    ł ż ś → Polish, ã õ → Portuguese, œ → French, ő ű → Hungarian, ř ů → Czech ...)
//    and frequent function words ("und", "avec", "y", "met", "och"), each narrowing the
//    set of candidate languages.
// Latin evidence is weighed among the languages a shop commonly writes in (en de fr es it
// pt nl pl sv da nb fi cs sk hu ro tr ca). A language is named only when every piece of
// evidence agrees on exactly one and the evidence is strong: a letter no other of those
// languages uses, or at least two pieces. Anything else ("Mug 350 ml", "Aurora Lamp",
// "Taza con tapa": es or it) is unknown: no guessing. Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pitchreel {

struct LanguageEvidence {
  std::string language;               // ISO 639-1 when the evidence decides, else ""
  std::vector<std::string> possible;  // languages the evidence allows; empty when it
                                      // says nothing (no letters, or no clue among them)
};

// The evidence of `text`: what it decides and what it still allows ("Taza con tapa":
// nothing decided, es or it possible), so that a statistical guess can be checked.
LanguageEvidence weigh_language_evidence(std::string_view text);

// weigh_language_evidence(text).language: ISO 639-1 ("de", "ja"), or "" when the evidence
// does not decide.
std::string language_from_evidence(std::string_view text);

}  // namespace pitchreel
