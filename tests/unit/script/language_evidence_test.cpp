// Language of short product text (fewer than ten letters, or too few for textcat to be
// trusted): the Unicode script, language-specific letters and function words decide, the
// product name helps a short description, and ambiguous text stays unknown.
#include <gtest/gtest.h>

#include <string>

#include "script/language_evidence.h"
#include "script/language_guess.h"
#include "script/script_phrases.h"
#include "script/script_writer.h"

namespace pitchreel {
namespace {

struct Short {
  const char* text;
  const char* language;
};

class ShortProductText : public ::testing::TestWithParam<Short> {};

TEST_P(ShortProductText, IsTakenForItsLanguage) {
  const Short& c = GetParam();
  EXPECT_EQ(guess_language(c.text), c.language) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    RealWorldStrings, ShortProductText,
    ::testing::Values(
        // Latin: letters only one language uses decide alone.
        Short{"Größe M", "de"}, Short{"Fußmatte", "de"}, Short{"Łyżka", "pl"},
        Short{"Ręcznik", "pl"}, Short{"¡Oferta!", "es"}, Short{"Muñeca", "es"},
        Short{"Pão de ló", "pt"}, Short{"Cœur 50 ml", "fr"}, Short{"Ľadový čaj", "sk"},
        Short{"Dřevěná lžíce", "cs"},
        // Letters narrowed together: ü (de hu tr es ca) and ä (de sv fi sk) is German.
        Short{"Schlüsselanhänger", "de"},
        // A function word only one language uses.
        Short{"Tasse mit Deckel", "de"}, Short{"Mug with lid", "en"}, Short{"Mok met deksel", "nl"},
        Short{"Tasse avec soucoupe", "fr"}, Short{"Jarra y vaso", "es"},
        Short{"Caneca térmica com tampa", "pt"}, Short{"Kubek termiczny dla dzieci", "pl"},
        Short{"Kaffekopp och fat", "sv"},
        // "ij" is Dutch, but only with another clue ("van").
        Short{"Vrij van BPA", "nl"},
        // Two clues that agree: "con" (es it) and "e" (it pt).
        Short{"Tazza con manico e coperchio", "it"},
        // Scripts that name one language, or are narrowed by their letters.
        Short{"Κούπα", "el"}, Short{"כוס תרמית", "he"}, Short{"แก้วน้ำ", "th"}, Short{"कप", "hi"},
        Short{"텀블러", "ko"}, Short{"ステンレス水筒", "ja"}, Short{"iPhone 15 ケース", "ja"},
        Short{"保温杯 500ml", "zh"}, Short{"ჭიქა", "ka"}, Short{"Термокружка с крышкой", "ru"},
        Short{"Чашка з кришкою", "uk"}, Short{"كوب حراري", "ar"}, Short{"کیف چرمی ٹوپی", "ur"}));

class UnknownShortText : public ::testing::TestWithParam<const char*> {};

// No evidence, or evidence that allows several languages or none: no guess. textcat
// alone answered "Desk lamp black" Swedish, "Stainless steel water bottle" Afrikaans,
// "Aurora Travel Mug" Catalan and "Caneca de café" Catalan.
TEST_P(UnknownShortText, StaysUnknown) {
  EXPECT_EQ(guess_language(GetParam()), "") << GetParam();
  EXPECT_EQ(language_from_evidence(GetParam()), "") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Ambiguous, UnknownShortText,
    ::testing::Values("Mug 350 ml", "Aurora Lamp", "Aurora Travel Mug", "Desk lamp black",
                      "Stainless steel water bottle", "Caneca de café", "Le Creuset", "Fiji Water",
                      "Kühlbox",                         // ü: German, Hungarian, Turkish, ...
                      "Värmemugg",                       // ä: German, Swedish, Finnish, Slovak
                      "Café Latte",                      // é is borrowed everywhere
                      "Jalapeño hot sauce with garlic",  // ñ says Spanish, "with" English
                      "Кружка 350 мл",                   // Cyrillic, but which language?
                      "کیف چرمی",                        // Persian or Urdu
                      "Filter 5 µm", "2 × 500 ml", "🙂👍"));

TEST(LanguageEvidence, SaysWhatItStillAllows) {
  const LanguageEvidence taza = weigh_language_evidence("Taza con tapa");
  EXPECT_EQ(taza.language, "");
  EXPECT_EQ(taza.possible, (std::vector<std::string>{"es", "it"}));
  EXPECT_TRUE(weigh_language_evidence("Aurora Lamp").possible.empty());
  // A single article is not enough ("The North Face", "Le Creuset" are brand names).
  EXPECT_EQ(language_from_evidence("The North Face"), "");
  EXPECT_EQ(language_from_evidence("Ρ"), "el");
}

TEST(LanguageEvidence, LongTextIsStillJudgedByTextcat) {
  // A long German description quoting a Spanish word stays German.
  EXPECT_EQ(guess_language("Die scharfe Jalapeño-Sauce passt zu Tacos, Burgern und Gegrilltem. "
                           "Hergestellt in kleinen Chargen aus frischen Zutaten."),
            "de");
}

TEST(LanguageEvidence, ShortDescriptionIsJudgedWithTheProductName) {
  auto german = suggest_script("Thermobecher mit Deckel", "Edelstahl, 350 ml");
  ASSERT_TRUE(german.has_value()) << german.error().message;
  EXPECT_EQ(german->detected, "de");
  EXPECT_EQ(german->language, "de");
  EXPECT_TRUE(german->script.starts_with("Darf ich vorstellen:")) << german->script;
  EXPECT_TRUE(german->script.ends_with(phrases::for_language("de")->call_to_action))
      << german->script;

  auto unknown = suggest_script("Aurora Lamp", "Black, 40 cm");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->detected, "");
  EXPECT_EQ(unknown->language, "en");
}

}  // namespace
}  // namespace pitchreel
