// Forced alignment with PocketSphinx: espeak-ng speech (with espeak's own word times) in,
// one timing per script word out, or nothing when it cannot be trusted. Accuracy on remote
// speech through the whole remote path is measured in remote_caption_timing_test.cpp.
#include "tts/sphinx_alignment.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tts/espeak_engine.h"

namespace pitchreel {
namespace {

Speech speak(std::string_view script, int rate_wpm = 165) {
  EspeakEngine engine;
  SpeechOptions options;
  options.rate_wpm = rate_wpm;
  auto speech = engine.synthesize(script, options);
  EXPECT_TRUE(speech.has_value());
  return speech ? *speech : Speech{};
}

void expect_contract(const std::vector<WordTiming>& words, const Speech& speech) {
  double previous_end = 0;
  for (const auto& w : words) {
    EXPECT_GE(w.start, previous_end) << w.text;
    EXPECT_LT(w.start, w.end) << w.text;
    EXPECT_LE(w.end, speech.duration()) << w.text;
    previous_end = w.end;
  }
}

TEST(SphinxAlignment, FindsEachWordOfTheScriptNearWhereItIsSpoken) {
  const std::string script =
      "Tired of tangled cables? The Orbit charging pad powers your phone, your watch and your "
      "earbuds at once.";
  const Speech speech = speak(script);
  const auto words = SphinxAligner::shared().align(script, speech.samples, speech.sample_rate);
  ASSERT_TRUE(words.has_value());
  ASSERT_EQ(words->size(), speech.words.size());
  for (std::size_t i = 0; i < words->size(); ++i) {
    EXPECT_EQ((*words)[i].text, speech.words[i].text);  // as written: "cables?", "phone,"
    EXPECT_NEAR((*words)[i].start, speech.words[i].start, 0.100) << (*words)[i].text;
  }
  expect_contract(*words, speech);
}

TEST(SphinxAlignment, SaysWordsMadeOfDictionaryWordsAndTypographicApostrophes) {
  // "earbuds" and "hand-made" are not in the CMU dictionary; "ear"+"buds", "hand"+"made" are.
  const std::string script = "It\u2019s a hand-made case for your earbuds.";
  const Speech speech = speak(script);
  const auto words = SphinxAligner::shared().align(script, speech.samples, speech.sample_rate);
  ASSERT_TRUE(words.has_value());
  ASSERT_EQ(words->size(), 7u);
  EXPECT_EQ((*words)[0].text, "It\u2019s");
  EXPECT_EQ((*words)[2].text, "hand-made");
  expect_contract(*words, speech);
}

TEST(SphinxAlignment, GivesUpOnWordsItCannotPronounce) {
  for (const std::string script : {"Only 12 left in stock.", "A caf\u00e9 in every kitchen."}) {
    const Speech speech = speak(script);
    EXPECT_FALSE(SphinxAligner::shared().align(script, speech.samples, speech.sample_rate))
        << script;
  }
}

TEST(SphinxAlignment, GivesUpWithoutItsModel) {
  SphinxAligner aligner({"/nonexistent/en-us", "/nonexistent/cmudict-en-us.dict"});
  const std::string script = "Meet the Aurora bottle.";
  const Speech speech = speak(script);
  EXPECT_FALSE(aligner.align(script, speech.samples, speech.sample_rate));
  EXPECT_FALSE(aligner.align(script, speech.samples, speech.sample_rate));  // not retried
}

TEST(SphinxAlignment, GivesUpOnEmptyInput) {
  const Speech speech = speak("Hello there.");
  EXPECT_FALSE(SphinxAligner::shared().align("", speech.samples, speech.sample_rate));
  EXPECT_FALSE(SphinxAligner::shared().align("Hello there.", {}, speech.sample_rate));
  EXPECT_FALSE(SphinxAligner::shared().align("Hello there.", speech.samples, 0));
}

TEST(SphinxAlignment, SameAudioSameTimingsWhateverCameBefore) {
  const std::string script = "Fresh beans, roasted every Monday in small batches.";
  const Speech speech = speak(script);
  const auto first = SphinxAligner::shared().align(script, speech.samples, speech.sample_rate);
  const Speech other = speak("Our trail shoes grip wet rock, dry fast, and weigh less.", 250);
  ASSERT_TRUE(
      SphinxAligner::shared().align("Our trail shoes grip wet rock, dry fast, and weigh less.",
                                    other.samples, other.sample_rate));
  const auto second = SphinxAligner::shared().align(script, speech.samples, speech.sample_rate);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->size(), second->size());
  for (std::size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].start, (*second)[i].start);
    EXPECT_EQ((*first)[i].end, (*second)[i].end);
  }
}

}  // namespace
}  // namespace pitchreel
