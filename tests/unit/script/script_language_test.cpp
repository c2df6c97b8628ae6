// Scripts in the description's own language: detection with libexttextcat, the opening
// and exactly one call to action in that language, the description's punctuation kept,
// its own calls to action left out, and long names shortened at a natural boundary.
#include <gtest/gtest.h>

#include <string>

#include "script/language_guess.h"
#include "script/script_phrases.h"
#include "script/script_writer.h"

namespace pitchreel {
namespace {

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

struct Case {
  const char* language;
  const char* name;
  const char* description;
  const char* opening;  // what the script starts with
};

class ScriptLanguage : public ::testing::TestWithParam<Case> {};

TEST_P(ScriptLanguage, OpeningAndOneCallToActionInTheDescriptionsLanguage) {
  const Case& c = GetParam();
  EXPECT_EQ(guess_language(c.description), c.language) << c.description;
  auto s = suggest_script(c.name, c.description);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->language, c.language);
  EXPECT_EQ(s->detected, c.language);
  EXPECT_TRUE(s->script.starts_with(c.opening)) << s->script;
  const auto* words = phrases::for_language(c.language);
  ASSERT_NE(words, nullptr);
  EXPECT_TRUE(s->script.ends_with(words->call_to_action)) << s->script;
  EXPECT_EQ(count(s->script, std::string(words->call_to_action)), 1u);
  // No English phrase leaks into a script in another language.
  if (std::string_view(c.language) != "en") {
    EXPECT_EQ(s->script.find("Order yours today"), std::string::npos) << s->script;
    EXPECT_EQ(s->script.find("Meet the"), std::string::npos) << s->script;
  }
  EXPECT_FALSE(s->benefits.empty()) << s->script;
}

INSTANTIATE_TEST_SUITE_P(
    EightLanguages, ScriptLanguage,
    ::testing::Values(
        Case{"en", "Aurora Travel Mug",
             "This stainless steel travel mug keeps coffee hot for 12 hours. The lid is "
             "completely leak-proof and fits most car cup holders.",
             "Meet the Aurora Travel Mug."},
        Case{"de", "Thermobecher Aurora",
             "Der Aurora Thermobecher hält Getränke zwölf Stunden heiß. Doppelwandiger "
             "Edelstahl, auslaufsicherer Deckel und passt in jeden Getränkehalter.",
             "Darf ich vorstellen: Thermobecher Aurora."},
        Case{"fr", "Tasse Aurora",
             "Cette tasse isotherme en acier inoxydable garde votre café chaud pendant douze "
             "heures. Le couvercle est étanche et se glisse dans tous les porte-gobelets.",
             "Voici Tasse Aurora."},
        Case{"es", "Taza Aurora",
             "Esta taza térmica de acero inoxidable mantiene el café caliente durante doce "
             "horas. La tapa es hermética y cabe en cualquier portavasos del coche.",
             "Te presentamos Taza Aurora."},
        Case{"it", "Tazza Aurora",
             "Questa tazza termica in acciaio inossidabile mantiene il caffè caldo per dodici "
             "ore. Il coperchio è a tenuta stagna e si adatta a tutti i portabicchieri.",
             "Ecco Tazza Aurora."},
        Case{"pt", "Caneca Aurora",
             "Esta caneca térmica de aço inoxidável mantém o café quente durante doze horas. "
             "A tampa é totalmente estanque e cabe em qualquer suporte de copos do carro.",
             "Conheça Caneca Aurora."},
        Case{"nl", "Aurora Thermosbeker",
             "Deze thermosbeker van roestvrij staal houdt je koffie twaalf uur lang warm. "
             "Het deksel is volledig lekvrij en past in elke bekerhouder in de auto.",
             "Maak kennis met Aurora Thermosbeker."},
        Case{"pl", "Kubek Aurora",
             "Ten kubek termiczny ze stali nierdzewnej utrzymuje ciepło kawy przez dwanaście "
             "godzin. Pokrywka jest całkowicie szczelna i pasuje do każdego uchwytu w samochodzie.",
             "Poznaj Kubek Aurora."}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.language); });

TEST(ScriptLanguage, SpanishExclamationKeptAndOwnCallToActionNotRepeated) {
  const std::string description =
      "¡La taza que mantiene tu café caliente todo el día! Acero inoxidable de doble pared "
      "con tapa hermética. ¡Cómprala hoy por solo 19,99 €!";
  auto s = suggest_script("Taza Aurora", description);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->language, "es");
  EXPECT_NE(s->script.find("¡La taza que mantiene tu café caliente todo el día!"),
            std::string::npos)
      << s->script;
  EXPECT_EQ(s->script.find("Cómprala"), std::string::npos) << s->script;
  EXPECT_TRUE(s->script.ends_with("Pídelo hoy mismo.")) << s->script;
  EXPECT_EQ(s->script.find("Order yours"), std::string::npos);
}

TEST(ScriptLanguage, EnglishCallToActionInTheDescriptionIsNotRepeated) {
  auto s = suggest_script("Aurora Lamp",
                          "The lamp is made from recycled aluminium and oak. Three brightness "
                          "levels with a touch dimmer. Order now and get free shipping!");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(count(s->script, "Order"), 1u) << s->script;
  EXPECT_TRUE(s->script.ends_with("Order yours today.")) << s->script;
}

TEST(ScriptLanguage, LongNamesAreShortenedAtANaturalBoundary) {
  const std::string description =
      "These headphones cancel noise on planes and trains. The battery lasts up to 30 hours.";
  auto with = suggest_script(
      "Sony WH-1000XM5 Wireless Noise Cancelling Over-Ear Headphones with Spatial Audio and "
      "Alexa Built-in, Black",
      description);
  ASSERT_TRUE(with.has_value());
  EXPECT_TRUE(with->script.starts_with(
      "Meet the Sony WH-1000XM5 Wireless Noise Cancelling Over-Ear Headphones."))
      << with->script;
  auto comma = suggest_script("Aurora Insulated Stainless Steel Travel Mug, 350 ml, Midnight Blue",
                              description);
  ASSERT_TRUE(comma.has_value());
  EXPECT_TRUE(comma->script.starts_with("Meet the Aurora Insulated Stainless Steel Travel Mug."))
      << comma->script;
  auto german = suggest_script(
      "Aurora Thermobecher aus doppelwandigem Edelstahl mit auslaufsicherem Deckel (350 ml)",
      "Der Becher hält Getränke zwölf Stunden heiß und passt in jeden Getränkehalter im Auto.");
  ASSERT_TRUE(german.has_value());
  EXPECT_TRUE(german->script.starts_with(
      "Darf ich vorstellen: Aurora Thermobecher aus doppelwandigem Edelstahl."))
      << german->script;
  // A short name is never shortened, whatever it contains.
  auto short_name = suggest_script("Mug with Lid", description);
  ASSERT_TRUE(short_name.has_value());
  EXPECT_TRUE(short_name->script.starts_with("Meet the Mug with Lid.")) << short_name->script;
}

TEST(ScriptLanguage, UnknownOrUnsupportedLanguagesGetEnglishPhrases) {
  EXPECT_EQ(guess_language(""), "");
  EXPECT_EQ(guess_language("x"), "");
  EXPECT_EQ(guess_language("Mug 350 ml"), "");  // too few letters to tell
  auto greek = suggest_script("Aurora", "Η λάμπα είναι φτιαγμένη από ανακυκλωμένο αλουμίνιο.");
  ASSERT_TRUE(greek.has_value());
  EXPECT_EQ(greek->detected, "el");
  EXPECT_EQ(greek->language, "en");
  EXPECT_TRUE(greek->script.ends_with("Order yours today."));
}

}  // namespace
}  // namespace pitchreel
