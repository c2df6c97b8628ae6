#include <gtest/gtest.h>

#include "render/caption_ass_script.h"

namespace pitchreel {
namespace {

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(CaptionAssScript, EscapesBracesAndBackslashes) {
  EXPECT_EQ(escape_ass_text("plain"), "plain");
  EXPECT_EQ(escape_ass_text("{\\b1}x"), "\\{\\\u2060b1\\}x");
  EXPECT_EQ(escape_ass_text("a\\N"), "a\\\u2060N");
}

TEST(CaptionAssScript, ColoursAreAlphaBlueGreenRed) {
  EXPECT_EQ(ass_colour(cv::Scalar(0, 215, 255)), "&H0000D7FF");
  EXPECT_EQ(ass_colour(cv::Scalar(1, 2, 3), 0x80), "&H80010203");
}

TEST(CaptionAssScript, OneEventPerWordWithTheWordHighlighted) {
  const std::vector<WordTiming> words = {
      {"Hello", 1.0, 1.4}, {"big", 1.5, 1.8}, {"world", 1.9, 2.4}};
  CaptionCue cue;
  cue.start = 1.0;
  cue.end = 2.4;
  cue.first_word = 0;
  cue.word_count = 3;
  cue.lines = {"Hello big", "world"};
  CaptionStyle style;
  style.area = cv::Rect(100, 800, 1720, 200);
  const std::string script = build_caption_ass_script({1920, 1080}, words, {cue}, style);
  EXPECT_NE(script.find("PlayResX: 1920\nPlayResY: 1080\n"), std::string::npos);
  EXPECT_NE(script.find("WrapStyle: 2"), std::string::npos);
  EXPECT_NE(script.find("Style: Caption,DejaVu Sans,48,&H00FFFFFF,&H0000D7FF,&H00000000,"
                        "&H80000000,-1,0,0,0,100,100,0,0,1,4,2,2,104,104,86,-1"),
            std::string::npos)
      << script;
  EXPECT_EQ(count(script, "Dialogue:"), 3);
  const std::string on = "{\\1c&H0000D7FF}";
  const std::string off = "{\\1c&H00FFFFFF}";
  EXPECT_NE(
      script.find("0:00:01.00,0:00:01.50,Caption,,0,0,0,," + on + "Hello" + off + " big\\Nworld\n"),
      std::string::npos)
      << script;
  EXPECT_NE(
      script.find("0:00:01.50,0:00:01.90,Caption,,0,0,0,,Hello " + on + "big" + off + "\\Nworld\n"),
      std::string::npos);
  EXPECT_NE(
      script.find("0:00:01.90,0:00:02.40,Caption,,0,0,0,,Hello big\\N" + on + "world" + off + "\n"),
      std::string::npos);
}

TEST(CaptionAssScript, PlainEventBeforeTheFirstWordAndWhenLinesDoNotMatchWords) {
  const std::vector<WordTiming> words = {{"Hi", 1.0, 1.4}};
  CaptionCue cue;
  cue.start = 0.5;
  cue.end = 1.4;
  cue.word_count = 1;
  cue.lines = {"Hi"};
  CaptionStyle style;
  style.area = cv::Rect(0, 0, 640, 360);
  std::string script = build_caption_ass_script({640, 360}, words, {cue}, style);
  EXPECT_NE(script.find("0:00:00.50,0:00:01.00,Caption,,0,0,0,,Hi\n"), std::string::npos) << script;
  cue.lines = {"Something else"};
  script = build_caption_ass_script({640, 360}, words, {cue}, style);
  EXPECT_EQ(count(script, "Dialogue:"), 1);
  EXPECT_NE(script.find(",,Something else\n"), std::string::npos);
}

TEST(CaptionAssScript, OverwideLineIsShrunk) {
  const std::vector<WordTiming> words = {{"Supercalifragilisticexpialidocious", 0, 1}};
  CaptionCue cue;
  cue.end = 1;
  cue.word_count = 1;
  cue.lines = {words[0].text};
  CaptionStyle style;
  style.area = cv::Rect(0, 0, 400, 200);
  const std::string script = build_caption_ass_script({400, 200}, words, {cue}, style);
  EXPECT_NE(script.find("{\\fscx"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
