// Word timings from audio alone: syllable weights, phrase splitting at real pauses, and
// the guarantees every caller relies on (one timing per word, ordered, inside the audio).
#include "tts/audio_alignment.h"

#include <gtest/gtest.h>

#include "tts/espeak_engine.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

TEST(SyllableWeight, CountsVowelGroupsAndDigits) {
  EXPECT_LT(syllable_weight("a"), syllable_weight("bottle"));
  EXPECT_LT(syllable_weight("cat"), syllable_weight("aurora"));
  EXPECT_LT(syllable_weight("make"), syllable_weight("making"));  // silent e
  EXPECT_GT(syllable_weight("2024"), syllable_weight("two"));
  EXPECT_GT(syllable_weight("Ünïcödé"), 0.5);
}

TEST(AudioAlignment, SilenceStillGivesOrderedTimings) {
  const std::vector<float> silence(22050, 0.0f);
  const auto words = align_script_to_audio("one two three", silence, 22050);
  ASSERT_EQ(words.size(), 3u);
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_LT(words[i].start, words[i].end);
    EXPECT_LE(words[i].end, 1.0);
    if (i > 0) {
      EXPECT_LE(words[i - 1].end, words[i].start);
    }
  }
}

TEST(AudioAlignment, FindsTheSentencePause) {
  EspeakEngine espeak;
  const std::string script = "Order yours today. It ships tomorrow morning.";
  auto speech = espeak.synthesize(script, {});
  ASSERT_TRUE(speech.has_value());
  const auto words = align_script_to_audio(script, speech->samples, speech->sample_rate);
  ASSERT_EQ(words.size(), speech->words.size());
  // "It" starts after the full stop's pause, where espeak put it.
  EXPECT_NEAR(words[3].start, speech->words[3].start, 0.06);
  EXPECT_EQ(words[3].text, "It");
  EXPECT_LE(words.back().end, speech->duration() + 1e-9);
}

TEST(AudioAlignment, ReferencePriorFallsBackWhenCountsDiffer) {
  const auto prior = reference_prior("one two", {{"one", 0, 0.3}});
  ASSERT_EQ(prior.weights.size(), 2u);
  EXPECT_DOUBLE_EQ(prior.weights[0], syllable_weight("one"));
}

}  // namespace
}  // namespace pitchreel
