#include "tts/word_alignment.h"

#include <gtest/gtest.h>

#include <vector>

namespace pitchreel {
namespace {

void expect_well_formed(const std::vector<WordTiming>& words, double duration) {
  double previous_end = 0;
  for (const WordTiming& w : words) {
    EXPECT_GE(w.start, previous_end) << w.text;
    EXPECT_GT(w.end, w.start) << w.text;
    EXPECT_LE(w.end, duration) << w.text;
    previous_end = w.end;
  }
}

TEST(AlignWords, OneTimingPerWordWithSpeechEndBeforePause) {
  const std::vector<WordStartEvent> events = {{1, 0.0}, {7, 0.3}, {14, 1.05}};
  const std::vector<PhonemeTiming> phonemes = {
      {"h", 0.01, 0.1}, {"oU", 0.1, 0.3}, {"w", 0.3, 0.7}, {"_:", 0.75, 1.05}, {"I", 1.05, 1.2}};
  const auto words = align_words("Hello world. It", events, phonemes, 1.5);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[1].text, "world.");
  EXPECT_DOUBLE_EQ(words[1].start, 0.3);
  EXPECT_DOUBLE_EQ(words[1].end, 0.75);  // the pause is not part of the word
  EXPECT_DOUBLE_EQ(words[2].end, 1.5);
  expect_well_formed(words, 1.5);
}

TEST(AlignWords, WordsWithoutEventsShareTheirNeighboursTime) {
  // "—" is not spoken; "2024" gets several events; one event points backwards.
  const std::vector<WordStartEvent> events = {{1, 0.0}, {6, 0.5}, {7, 0.7}, {3, 0.8}, {11, 1.0}};
  const auto words = align_words("Hi — 2024 ok", events, {}, 1.2);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[1].text, "—");
  EXPECT_DOUBLE_EQ(words[0].start, 0.0);
  EXPECT_DOUBLE_EQ(words[1].end, 0.5);
  EXPECT_DOUBLE_EQ(words[2].start, 0.5);
  EXPECT_DOUBLE_EQ(words[3].start, 1.0);
  expect_well_formed(words, 1.2);
}

TEST(AlignWords, SurvivesNoEventsAndEventsPastTheEnd) {
  expect_well_formed(align_words("a b c", {}, {}, 1.0), 1.0);
  EXPECT_EQ(align_words("a b c", {}, {}, 1.0).size(), 3u);
  const std::vector<WordStartEvent> late = {{1, 0.0}, {3, 5.0}, {5, 7.0}};
  const auto words = align_words("a b c", late, {}, 1.0);
  ASSERT_EQ(words.size(), 3u);
  expect_well_formed(words, 1.0);
  EXPECT_TRUE(align_words("   ", late, {}, 1.0).empty());
}

TEST(AlignWords, PositionsCountCodePoints) {
  const std::vector<WordStartEvent> events = {{1, 0.0}, {10, 0.5}};
  const auto words = align_words("Καλημέρα κόσμε", events, {}, 1.0);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[1].text, "κόσμε");
  EXPECT_DOUBLE_EQ(words[1].start, 0.5);
}

}  // namespace
}  // namespace pitchreel
