// The normaliser's cases in English, German, French and Spanish, and the mapping of the
// spoken words' timings back to the written words the captions show.
#include "tts/speech_normalizer.h"

#include <gtest/gtest.h>

#include "tts/voice_registry.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

std::string spoken(std::string_view text, std::string_view language) {
  return normalize_for_speech(text, language).spoken;
}

TEST(SpeechNormalizer, PricesInFourLanguages) {
  EXPECT_EQ(spoken("Only $19.99 today.", "en"), "Only 19 dollars 99 today.");
  EXPECT_EQ(spoken("Just €5!", "en"), "Just 5 euros!");
  EXPECT_EQ(spoken("Nur 19,99 € heute.", "de"), "Nur 19 Euro 99 heute.");
  EXPECT_EQ(spoken("Seulement 19,99€.", "fr"), "Seulement 19 euros 99.");
  EXPECT_EQ(spoken("Por solo 19,99 €.", "es"), "Por solo 19 euros con 99.");
  EXPECT_EQ(spoken("(£20.00)", "en"), "(20 pounds)");
}

TEST(SpeechNormalizer, PercentagesUnitsPacksAndNames) {
  EXPECT_EQ(spoken("Save 20% now", "en"), "Save 20 percent now");
  EXPECT_EQ(spoken("20 % Rabatt", "de"), "20 Prozent Rabatt");
  EXPECT_EQ(spoken("50% de remise", "fr"), "50 pour cent de remise");
  EXPECT_EQ(spoken("un 30% menos", "es"), "un 30 por ciento menos");
  EXPECT_EQ(spoken("Holds 12 oz, or 500ml.", "en"), "Holds 12 ounces, or 500 milliliters.");
  EXPECT_EQ(spoken("500 ml Inhalt", "de"), "500 Milliliter Inhalt");
  EXPECT_EQ(spoken("A 2-pack with USB-C and 4K.", "en"), "A 2 pack with USB C and 4 K.");
  EXPECT_EQ(spoken("The WH-1000XM5 is here", "en"), "The WH 1000 XM 5 is here");
}

TEST(SpeechNormalizer, OrdinalsInFourLanguages) {
  EXPECT_EQ(spoken("The 3rd generation, 1st in class, our 21st year, 12th and 40th.", "en"),
            "The third generation, first in class, our twenty-first year, twelfth and fortieth.");
  EXPECT_EQ(spoken("The 2nd, 11th, 13th and 92nd.", "en"), "The second, eleventh, thirteenth and ninety-second.");
  EXPECT_EQ(spoken("Die 3. Generation ab dem 1. Mai, zum 21. Mal.", "de"),
            "Die dritte Generation ab dem ersten Mai, zum einundzwanzigsten Mal.");
  EXPECT_EQ(spoken("La 2e génération, le 1er modèle, la 1re fois, le 21e siècle, le 5ème, le 80e.", "fr"),
            "La deuxième génération, le premier modèle, la première fois, le vingt et unième siècle, "
            "le cinquième, le quatre-vingtième.");
  EXPECT_EQ(spoken("La 3.ª generación, el 1.er modelo, el 2º año, la 21ª edición.", "es"),
            "La tercera generación, el primer modelo, el segundo año, la vigésima primera edición.");
  // Not ordinals: a sentence that ends on a number, a wrong English suffix, a big number.
  EXPECT_EQ(spoken("Es kostet 5.", "de"), "Es kostet 5.");
  EXPECT_EQ(spoken("The 3th and 100th.", "en"), "The 3th and 100th.");
}

// The ordinal's written word keeps its timing: the caption shows "3rd" while "third" is spoken.
TEST(SpeechNormalizer, OrdinalTimingsMapBackToTheWrittenWord) {
  const std::string written = "Our 3rd cup";
  const NormalizedScript n = normalize_for_speech(written, "en");
  ASSERT_EQ(n.spoken, "Our third cup");
  const std::vector<WordTiming> timings = {{"Our", 0.0, 0.2}, {"third", 0.25, 0.6}, {"cup", 0.7, 1.0}};
  const auto back = timings_for_written(written, n, timings);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].text, "3rd");
  EXPECT_DOUBLE_EQ(back[1].start, 0.25);
  EXPECT_DOUBLE_EQ(back[1].end, 0.6);
}

TEST(SpeechNormalizer, OtherLanguagesAndPlainTextPassThrough) {
  EXPECT_EQ(spoken("$19.99 and 20%", "ja"), "$19.99 and 20%");
  EXPECT_EQ(spoken("Plain words, nothing else.", "en"), "Plain words, nothing else.");
  EXPECT_EQ(spoken("Version 2.5 and 3 apples", "en"), "Version 2.5 and 3 apples");
}

TEST(SpeechNormalizer, TimingsMapBackToTheWrittenWords) {
  const std::string written = "Only 19,99 € for 12 oz.";
  const NormalizedScript n = normalize_for_speech(written, "es");
  ASSERT_EQ(n.spoken, "Only 19 euros con 99 for 12 onzas.");
  // One timing per spoken word, 0.5 s each.
  std::vector<WordTiming> timings;
  const auto words = split_words(n.spoken);
  for (std::size_t i = 0; i < words.size(); ++i)
    timings.push_back({std::string(words[i]), 0.5 * double(i), 0.5 * double(i) + 0.4});
  const auto written_timings = timings_for_written(written, n, timings);
  ASSERT_EQ(written_timings.size(), 6u);
  EXPECT_EQ(written_timings[1].text, "19,99");
  EXPECT_DOUBLE_EQ(written_timings[1].start, 0.5);   // "19"
  EXPECT_DOUBLE_EQ(written_timings[1].end, 1.9);     // through "con"
  EXPECT_EQ(written_timings[2].text, "€");
  EXPECT_DOUBLE_EQ(written_timings[2].start, 2.0);   // "99"
  EXPECT_DOUBLE_EQ(written_timings[2].end, 2.4);
  EXPECT_EQ(written_timings[4].text, "12");
  EXPECT_EQ(written_timings[5].text, "oz.");
  EXPECT_DOUBLE_EQ(written_timings[5].start, 3.5);   // "onzas."
  for (std::size_t i = 1; i < written_timings.size(); ++i)
    EXPECT_LE(written_timings[i - 1].end, written_timings[i].start);
}

TEST(SpeechNormalizer, RegistryCaptionsShowTheWrittenWords) {
  ServiceConfig offline;
  offline.edge_tts = false;
  auto registry = make_voice_registry(offline);
  auto speech = registry->synthesize("Only $19.99 for 12 oz.", {"en-us", 165, 50});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  ASSERT_EQ(speech->words.size(), 5u);
  EXPECT_EQ(speech->words[1].text, "$19.99");
  EXPECT_EQ(speech->words[4].text, "oz.");
  for (const WordTiming& w : speech->words) EXPECT_LE(w.start, w.end) << w.text;
  // "$19.99" is said as three words: it takes longer than "for".
  EXPECT_GT(speech->words[1].end - speech->words[1].start,
            speech->words[2].end - speech->words[2].start);
}

}  // namespace
}  // namespace pitchreel
