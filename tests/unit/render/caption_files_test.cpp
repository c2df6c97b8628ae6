#include <gtest/gtest.h>

#include "render/captions.h"

namespace pitchreel {
namespace {

std::vector<CaptionCue> example() {
  CaptionCue first;
  first.start = 0.5;
  first.end = 2.25;
  first.lines = {"Meet the new", "blender."};
  CaptionCue second;
  second.start = 3661.007;
  second.end = 3662.5;
  second.lines = {"Salt & pepper <b>free</b>"};
  return {first, second};
}

TEST(CaptionFiles, WebVttGolden) {
  EXPECT_EQ(to_webvtt(example()),
            "WEBVTT\n"
            "\n"
            "00:00:00.500 --> 00:00:02.250\n"
            "Meet the new\n"
            "blender.\n"
            "\n"
            "01:01:01.007 --> 01:01:02.500\n"
            "Salt &amp; pepper &lt;b&gt;free&lt;/b&gt;\n"
            "\n");
}

TEST(CaptionFiles, SrtGolden) {
  EXPECT_EQ(to_srt(example()),
            "1\n"
            "00:00:00,500 --> 00:00:02,250\n"
            "Meet the new\n"
            "blender.\n"
            "\n"
            "2\n"
            "01:01:01,007 --> 01:01:02,500\n"
            "Salt & pepper <b>free</b>\n"
            "\n");
}

TEST(CaptionFiles, EmptyCuesAreSkippedAndIndexesStayConsecutive) {
  auto cues = example();
  cues.insert(cues.begin() + 1, CaptionCue{});
  const std::string srt = to_srt(cues);
  EXPECT_NE(srt.find("\n2\n01:01:01,007"), std::string::npos) << srt;
  EXPECT_EQ(srt.find("\n3\n"), std::string::npos);
  EXPECT_EQ(to_webvtt({}), "WEBVTT\n\n");
  EXPECT_EQ(to_srt({}), "");
}

TEST(CaptionFiles, LineBreaksInsideALineCannotEndTheCue) {
  CaptionCue cue;
  cue.start = 1;
  cue.end = 2;
  cue.lines = {"one\n\ntwo"};
  EXPECT_EQ(to_webvtt({cue}), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none  two\n\n");
}

// A script that says a timing line must not make one: WebVTT escapes the ">", SubRip (which
// has no escapes) writes the arrow as U+2192.
TEST(CaptionFiles, ScriptTextCannotPassForATimingLine) {
  CaptionCue cue;
  cue.start = 1;
  cue.end = 2;
  cue.lines = {"00:00:05,000 --> 00:00:09,000", "fast -->faster"};
  EXPECT_EQ(to_srt({cue}),
            "1\n00:00:01,000 --> 00:00:02,000\n00:00:05,000 \u2192 00:00:09,000\nfast \u2192faster\n\n");
  EXPECT_EQ(to_webvtt({cue}), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n00:00:05,000 --&gt; 00:00:09,000\n"
                              "fast --&gt;faster\n\n");
}

TEST(CaptionFiles, RoundsToMilliseconds) {
  CaptionCue cue;
  cue.start = 59.9996;
  cue.end = 61.0004;
  cue.lines = {"x"};
  EXPECT_EQ(to_webvtt({cue}), "WEBVTT\n\n00:01:00.000 --> 00:01:01.000\nx\n\n");
}

}  // namespace
}  // namespace pitchreel
