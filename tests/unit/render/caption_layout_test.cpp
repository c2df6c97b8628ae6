#include <gtest/gtest.h>

#include <sstream>

#include "core/utf8.h"
#include "render/caption_text.h"
#include "render/captions.h"

namespace pitchreel {
namespace {

// Words from a sentence, 0.3 s each with 0.05 s pauses.
std::vector<WordTiming> timed(const std::string& text, double start = 0.5) {
  std::vector<WordTiming> words;
  std::istringstream in(text);
  std::string word;
  double t = start;
  while (in >> word) {
    words.push_back({word, t, t + 0.3});
    t += 0.35;
  }
  return words;
}

void expect_valid(const std::vector<WordTiming>& words, const std::vector<CaptionCue>& cues,
                  const CaptionLayout& layout) {
  std::size_t next_word = 0;
  double previous_end = -1;
  for (const CaptionCue& cue : cues) {
    EXPECT_EQ(cue.first_word, next_word) << "every word in exactly one cue, in order";
    EXPECT_GT(cue.word_count, 0u);
    next_word = cue.first_word + cue.word_count;
    EXPECT_GE(cue.lines.size(), 1u);
    EXPECT_LE(cue.lines.size(), 2u);
    for (const std::string& line : cue.lines) {
      const bool single_word = line.find(' ') == std::string::npos;
      EXPECT_TRUE(single_word ||
                  utf8::length(line) <= static_cast<std::size_t>(layout.max_line_chars))
          << line;
    }
    EXPECT_GE(cue.start, previous_end) << "cues never overlap";
    EXPECT_GE(cue.end, cue.start);
    EXPECT_GE(cue.start, words[cue.first_word].start);
    EXPECT_GE(cue.end, words[next_word - 1].end);
    previous_end = cue.end;
  }
  EXPECT_EQ(next_word, words.size());
}

std::string joined(const std::vector<CaptionCue>& cues) {
  std::string all;
  for (const CaptionCue& cue : cues) {
    for (const std::string& line : cue.lines) all += (all.empty() ? "" : " ") + line;
  }
  return all;
}

TEST(CaptionLayout, ShortTextIsOneCueOnOneLine) {
  const auto words = timed("Meet the new blender");
  const auto cues = layout_captions(words, {});
  ASSERT_EQ(cues.size(), 1u);
  EXPECT_EQ(cues[0].lines, std::vector<std::string>{"Meet the new blender"});
  EXPECT_DOUBLE_EQ(cues[0].start, words.front().start);
  EXPECT_DOUBLE_EQ(cues[0].end, words.back().end);
}

TEST(CaptionLayout, LongTextMakesValidTwoLineCuesCoveringEveryWord) {
  const std::string text =
      "Our new blender has six speed settings and a whisper quiet motor that makes silky "
      "smoothies soups and sauces in seconds while the glass jar stays cool to the touch "
      "and cleans itself with a drop of soap and warm water";
  const auto words = timed(text);
  CaptionLayout layout;
  layout.max_line_chars = 24;
  const auto cues = layout_captions(words, layout);
  expect_valid(words, cues, layout);
  EXPECT_GT(cues.size(), 3u);
  EXPECT_EQ(joined(cues), text);
  for (const CaptionCue& cue : cues) EXPECT_LE(cue.lines.size(), 2u);
}

TEST(CaptionLayout, CuesDoNotStraddleSentences) {
  const auto words = timed("Fresh coffee. Every single morning! Try it today?");
  const auto cues = layout_captions(words, {});
  ASSERT_EQ(cues.size(), 3u);
  EXPECT_EQ(cues[0].lines, std::vector<std::string>{"Fresh coffee."});
  EXPECT_EQ(cues[1].lines, std::vector<std::string>{"Every single morning!"});
  EXPECT_EQ(cues[2].lines, std::vector<std::string>{"Try it today?"});
}

TEST(CaptionLayout, PrefersBreakingAfterAComma) {
  const auto words = timed("Crafted from recycled aluminium, it weighs less than a phone");
  CaptionLayout layout;
  layout.max_line_chars = 36;
  const auto cues = layout_captions(words, layout);
  ASSERT_EQ(cues.size(), 1u);
  ASSERT_EQ(cues[0].lines.size(), 2u);
  EXPECT_EQ(cues[0].lines[0], "Crafted from recycled aluminium,");
  EXPECT_EQ(cues[0].lines[1], "it weighs less than a phone");
}

TEST(CaptionLayout, OverfullCueEndsAtClauseBreak) {
  const auto words =
      timed("Two speeds and a pulse button, a glass jar that never stains and a lid that locks");
  CaptionLayout layout;
  layout.max_line_chars = 20;
  const auto cues = layout_captions(words, layout);
  expect_valid(words, cues, layout);
  ASSERT_GE(cues.size(), 2u);
  EXPECT_EQ(cues[0].lines.back().back(), ',');
}

TEST(CaptionLayout, CountsCodePointsNotBytes) {
  // 10 Cyrillic letters are 20 bytes; two of them fit on a 21-character line.
  const auto words = timed("Приветмир! Приветмир!");
  CaptionLayout layout;
  layout.max_line_chars = 21;
  layout.max_lines = 1;
  std::vector<WordTiming> no_sentence = words;
  no_sentence[0].text = "Приветмир,";
  const auto cues = layout_captions(no_sentence, layout);
  ASSERT_EQ(cues.size(), 1u);
  EXPECT_EQ(cues[0].lines[0], "Приветмир, Приветмир!");
}

TEST(CaptionLayout, LongSingleWordGetsItsOwnLine) {
  const auto words = timed("Try Supercalifragilisticexpialidocious now");
  CaptionLayout layout;
  layout.max_line_chars = 10;
  const auto cues = layout_captions(words, layout);
  expect_valid(words, cues, layout);
  bool found = false;
  for (const CaptionCue& cue : cues) {
    for (const std::string& line : cue.lines) {
      found = found || line == "Supercalifragilisticexpialidocious";
    }
  }
  EXPECT_TRUE(found);
}

TEST(CaptionLayout, BridgesShortGapsAndEnforcesMinimumDuration) {
  std::vector<WordTiming> words = {{"One.", 0.0, 0.2}, {"Two.", 0.45, 0.6}, {"Three.", 2.0, 2.3}};
  const auto cues = layout_captions(words, {});
  ASSERT_EQ(cues.size(), 3u);
  // "One." lasts 0.2 s; stretching to 0.7 s would overlap "Two.", so it ends where Two starts.
  EXPECT_DOUBLE_EQ(cues[0].end, 0.45);
  EXPECT_NEAR(cues[1].end, 1.15, 1e-9);  // minimum display
  EXPECT_DOUBLE_EQ(cues[2].start, 2.0);
  EXPECT_NEAR(cues[2].end, 2.7, 1e-9);
  // A gap under 0.3 s is bridged.
  words = {{"One.", 0.0, 1.0}, {"Two.", 1.2, 2.0}};
  const auto bridged = layout_captions(words, {});
  ASSERT_EQ(bridged.size(), 2u);
  EXPECT_DOUBLE_EQ(bridged[0].end, 1.2);
}

TEST(CaptionLayout, ClampsOverlappingInputTimes) {
  const std::vector<WordTiming> words = {{"A.", 0.0, 1.5}, {"B.", 1.0, 2.0}, {"C.", 1.8, 1.9}};
  const auto cues = layout_captions(words, {});
  ASSERT_EQ(cues.size(), 3u);
  for (std::size_t i = 1; i < cues.size(); ++i) EXPECT_GE(cues[i].start, cues[i - 1].end);
}

TEST(CaptionLayout, EmptyInputGivesNoCues) { EXPECT_TRUE(layout_captions({}, {}).empty()); }

TEST(CaptionLayout, CleansWordsWithoutSplittingUtf8) {
  const std::vector<WordTiming> words = {{" caf\xC3\xA9\n", 0, 1}, {"bad\xC3", 1, 2}};
  const auto cues = layout_captions(words, {});
  ASSERT_EQ(cues.size(), 1u);
  EXPECT_EQ(cues[0].lines[0], "caf\xC3\xA9 bad\xEF\xBF\xBD");
}

TEST(CaptionLayout, LayoutForStyleScalesWithWidthAndFont) {
  CaptionStyle wide;
  wide.area = cv::Rect(0, 0, 900, 200);
  wide.font_px = 48;
  CaptionStyle narrow = wide;
  narrow.area.width = 600;
  const int wide_chars = caption_layout_for(wide).max_line_chars;
  EXPECT_NEAR(wide_chars, 900 / (0.55 * 48), 3);
  EXPECT_LT(caption_layout_for(narrow).max_line_chars, wide_chars);
  CaptionStyle big = wide;
  big.font_px = 96;
  EXPECT_LT(caption_layout_for(big).max_line_chars, wide_chars);
  EXPECT_EQ(caption_layout_for(wide).max_lines, 2);
}

}  // namespace
}  // namespace pitchreel
