// Renders with the real libass and fontconfig (DejaVu fonts from fonts-dejavu-core).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "render/captions.h"

namespace pitchreel {
namespace {

const cv::Vec3b kBackground(80, 40, 120);

cv::Mat background(cv::Size size) { return cv::Mat(size, CV_8UC3, cv::Scalar(kBackground)); }

// 255 where the frame differs from the background.
cv::Mat ink(const cv::Mat& frame) {
  cv::Mat mask(frame.size(), CV_8U, cv::Scalar(0));
  for (int y = 0; y < frame.rows; ++y) {
    for (int x = 0; x < frame.cols; ++x) {
      if (frame.at<cv::Vec3b>(y, x) != kBackground) mask.at<std::uint8_t>(y, x) = 255;
    }
  }
  return mask;
}

cv::Mat colour(const cv::Mat& frame, const cv::Scalar& bgr, int tolerance = 8) {
  cv::Mat mask;
  cv::inRange(frame, bgr - cv::Scalar::all(tolerance), bgr + cv::Scalar::all(tolerance), mask);
  return mask;
}

int outside(const cv::Mat& mask, cv::Rect area) {
  cv::Mat copy = mask.clone();
  copy(area & cv::Rect({0, 0}, mask.size())).setTo(0);
  return cv::countNonZero(copy);
}

double mean_x(const cv::Mat& mask) {
  const cv::Moments m = cv::moments(mask, true);
  return m.m00 > 0 ? m.m10 / m.m00 : -1;
}

std::vector<WordTiming> timed(const std::string& text, double start, double step = 0.5) {
  std::vector<WordTiming> words;
  std::istringstream in(text);
  std::string word;
  for (double t = start; in >> word; t += step) words.push_back({word, t, t + step * 0.8});
  return words;
}

struct Captions {
  std::vector<WordTiming> words;
  std::vector<CaptionCue> cues;
  std::unique_ptr<CaptionRenderer> renderer;
  cv::Size frame;

  cv::Mat draw(double t) {
    cv::Mat image = background(frame);
    renderer->draw(image, t);
    return image;
  }
};

Captions make(cv::Size frame, std::vector<WordTiming> words, const CaptionStyle& style,
              std::optional<CaptionLayout> layout = std::nullopt) {
  Captions c;
  c.frame = frame;
  c.words = std::move(words);
  c.cues = layout_captions(c.words, layout.value_or(caption_layout_for(style)));
  auto renderer = CaptionRenderer::create(frame, c.words, c.cues, style);
  EXPECT_TRUE(renderer.has_value()) << (renderer ? "" : renderer.error().message);
  if (renderer) c.renderer = std::move(*renderer);
  return c;
}

CaptionStyle style_for(cv::Rect area, int font_px) {
  CaptionStyle style;
  style.area = area;
  style.font_px = font_px;
  return style;
}

// Ink of a single word rendered alone at 48 px.
cv::Mat word_ink(const std::string& word) {
  const cv::Size frame(1280, 720);
  Captions c = make(frame, {{word, 1.0, 2.0}}, style_for({40, 400, 1200, 300}, 48));
  if (!c.renderer) return {};
  return ink(c.draw(1.5));
}

// A renderer asks libass again only when an event starts or ends; drawn frame by frame
// at 30 fps (words, pauses, a second cue, a plate), every frame must equal what a fresh
// renderer draws at that time alone, on a Yuv420 frame as the video engine draws it.
TEST(CaptionRenderer, FrameByFrameEqualsAFreshRendererAtEachTime) {
  const cv::Size frame(640, 360);
  CaptionStyle style = style_for({32, 240, 576, 110}, 28);
  style.plate = true;
  const auto words = timed("Fresh coffee every single morning. Try it today, or tomorrow!", 0.4, 0.37);
  const auto cues = layout_captions(words, caption_layout_for(style));
  ASSERT_GE(cues.size(), 2u);
  auto running = CaptionRenderer::create(frame, words, cues, style);
  ASSERT_TRUE(running);
  const auto blank = [&] {
    Yuv420 yuv = Yuv420::allocate(frame);
    yuv.y.setTo(60);
    yuv.u.setTo(140);
    yuv.v.setTo(110);
    return yuv;
  };
  int differing = 0, with_ink = 0;
  for (int i = 0; i < 30 * 6; ++i) {
    const double t = i / 30.0;
    Yuv420 a = blank(), b = blank();
    (*running)->draw(a, t);
    auto fresh = CaptionRenderer::create(frame, words, cues, style);
    ASSERT_TRUE(fresh);
    (*fresh)->draw(b, t);
    const bool same = cv::norm(a.y, b.y, cv::NORM_INF) == 0 && cv::norm(a.u, b.u, cv::NORM_INF) == 0 &&
                      cv::norm(a.v, b.v, cv::NORM_INF) == 0;
    differing += same ? 0 : 1;
    with_ink += cv::countNonZero(a.y != 60) > 0 ? 1 : 0;
  }
  EXPECT_EQ(differing, 0);
  EXPECT_GT(with_ink, 100);  // the case draws captions most of the time
}

TEST(CaptionRenderer, DrawsInsideTheAreaOnlyWhileCuesAreOn) {
  const cv::Size frame(1920, 1080);
  const cv::Rect area(96, 760, 1728, 280);
  Captions c = make(frame, timed("Fresh coffee every single morning. Try it today!", 1.0),
                    style_for(area, 56));
  ASSERT_TRUE(c.renderer);
  ASSERT_EQ(c.cues.size(), 2u);
  EXPECT_EQ(cv::countNonZero(ink(c.draw(0.5))), 0) << "nothing before the first cue";
  EXPECT_EQ(cv::countNonZero(ink(c.draw(c.cues.back().end + 0.1))), 0) << "nothing after";
  for (const CaptionCue& cue : c.cues) {
    const cv::Mat mask = ink(c.draw((cue.start + cue.end) / 2));
    EXPECT_GT(cv::countNonZero(mask), 2000);
    EXPECT_EQ(outside(mask, area), 0);
    const cv::Rect box = cv::boundingRect(mask);
    EXPECT_GT(box.br().y, area.br().y - 56) << "bottom aligned";
    EXPECT_NEAR(box.x + box.width / 2.0, area.x + area.width / 2.0, 20) << "centred";
  }
}

TEST(CaptionRenderer, HighlightFollowsTheSpokenWord) {
  const cv::Size frame(1280, 720);
  CaptionStyle style = style_for({40, 450, 1200, 250}, 48);
  Captions c = make(frame, timed("alpha bravo charlie", 1.0), style);
  ASSERT_TRUE(c.renderer);
  ASSERT_EQ(c.cues.size(), 1u);
  std::vector<double> xs;
  for (const WordTiming& word : c.words) {
    const cv::Mat image = c.draw((word.start + word.end) / 2);
    const cv::Mat lit = colour(image, style.highlight_bgr);
    EXPECT_GT(cv::countNonZero(lit), 150) << word.text;
    EXPECT_GT(cv::countNonZero(colour(image, style.text_bgr)), 300) << "other words in white";
    xs.push_back(mean_x(lit));
  }
  EXPECT_LT(xs[0] + 100, xs[1]);
  EXPECT_LT(xs[1] + 100, xs[2]);
  // Between words (after alpha ends, before bravo starts) alpha stays lit.
  EXPECT_NEAR(mean_x(colour(c.draw(1.45), style.highlight_bgr)), xs[0], 2);
}

TEST(CaptionRenderer, RepeatedFramesAreIdentical) {
  const cv::Size frame(1280, 720);
  Captions c = make(frame, timed("same frame twice", 1.0), style_for({40, 450, 1200, 250}, 48));
  ASSERT_TRUE(c.renderer);
  const cv::Mat first = c.draw(1.1);
  const cv::Mat second = c.draw(1.12);  // libass reports no change: cached overlay
  EXPECT_EQ(cv::norm(first, second, cv::NORM_INF), 0);
  EXPECT_GT(cv::norm(first, c.draw(1.6), cv::NORM_INF), 0) << "next word lit";
}

TEST(CaptionRenderer, VerticalFrameTwoLines) {
  const cv::Size frame(1080, 1920);
  const cv::Rect area(60, 1300, 960, 500);
  const int font_px = 64;
  Captions c = make(frame, timed("Whisper quiet motor with six speed settings", 1.0),
                    style_for(area, font_px));
  ASSERT_TRUE(c.renderer);
  ASSERT_EQ(c.cues.front().lines.size(), 2u);
  const cv::Mat mask = ink(c.draw(1.2));
  EXPECT_EQ(outside(mask, area), 0);
  EXPECT_GT(cv::boundingRect(mask).height, 1.6 * font_px);
}

TEST(CaptionRenderer, SmallFramesWork) {
  for (const cv::Size frame : {cv::Size(1280, 720), cv::Size(720, 1280), cv::Size(720, 720)}) {
    const cv::Rect area(frame.width / 20, frame.height * 2 / 3, frame.width * 9 / 10,
                        frame.height / 4);
    Captions c = make(frame, timed("Small but readable text here", 1.0), style_for(area, 32));
    ASSERT_TRUE(c.renderer);
    const cv::Mat mask = ink(c.draw(1.2));
    EXPECT_GT(cv::countNonZero(mask), 500) << frame;
    EXPECT_EQ(outside(mask, area), 0) << frame;
  }
}

TEST(CaptionRenderer, OverlongWordIsShrunkToTheArea) {
  const cv::Rect area(100, 500, 400, 200);
  Captions c =
      make({1280, 720}, {{"Supercalifragilisticexpialidocious", 1.0, 2.0}}, style_for(area, 48));
  ASSERT_TRUE(c.renderer);
  const cv::Mat mask = ink(c.draw(1.5));
  EXPECT_EQ(outside(mask, area), 0);
  const cv::Rect box = cv::boundingRect(mask);
  EXPECT_GT(box.x, area.x) << "not clipped at the left edge";
  EXPECT_LT(box.br().x, area.br().x) << "not clipped at the right edge";
}

TEST(CaptionRenderer, MarkupIsShownNotExecuted) {
  const cv::Mat tag = word_ink("{\\fs200}");
  ASSERT_FALSE(tag.empty());
  const cv::Rect tag_box = cv::boundingRect(tag);
  EXPECT_GT(tag_box.width, 4 * 48) << "the tag's characters are drawn";
  EXPECT_LT(tag_box.height, 2 * 48) << "the font size did not jump to 200";

  const int bold_only = cv::boundingRect(word_ink("bold")).width;
  EXPECT_GT(cv::boundingRect(word_ink("{\\b1}bold{\\fs200}")).width, 3 * bold_only);
  EXPECT_GT(cv::boundingRect(word_ink("<i>x</i>")).width,
            4 * cv::boundingRect(word_ink("x")).width);
  EXPECT_GT(cv::countNonZero(word_ink("{}")), 100) << "braces alone are drawn";
  EXPECT_LT(cv::boundingRect(word_ink("a\\Nb")).height, 2 * 48) << "no line break";
  EXPECT_GT(cv::boundingRect(word_ink("a\\Nb")).width, cv::boundingRect(word_ink("ab")).width);
  EXPECT_GT(cv::boundingRect(word_ink("\\")).width, 0);
  // The word joiner kept after a backslash is invisible: '\' and '/' have equal advances.
  EXPECT_NEAR(cv::boundingRect(word_ink("a\\b")).width, cv::boundingRect(word_ink("a/b")).width, 4);
}

TEST(CaptionRenderer, AccentedGreekAndCyrillicDrawInk) {
  for (const std::string word : {"Café", "niño", "Straße", "Καλημέρα", "Привет"}) {
    const cv::Mat mask = word_ink(word);
    ASSERT_FALSE(mask.empty());
    EXPECT_GT(cv::countNonZero(mask), 1000) << word;
  }
}

// A missing glyph is drawn as the same box every time, so distinct letters drawing
// distinct ink means the font really has them.
TEST(CaptionRenderer, NoTofuForGreekCyrillicOrAccents) {
  const std::vector<std::string> letters = {"П", "р", "и", "в", "е", "т", "Κ", "α",
                                            "λ", "η", "μ", "έ", "é", "ñ", "ß"};
  std::vector<WordTiming> words;
  for (std::size_t i = 0; i < letters.size(); ++i) {
    words.push_back({letters[i], 1.0 + 2.0 * i, 1.5 + 2.0 * i});
  }
  CaptionLayout one_per_cue;
  one_per_cue.max_line_chars = 1;
  one_per_cue.max_lines = 1;
  Captions c = make({640, 360}, words, style_for({20, 200, 600, 150}, 48), one_per_cue);
  ASSERT_TRUE(c.renderer);
  ASSERT_EQ(c.cues.size(), letters.size());
  std::vector<cv::Mat> glyphs;
  for (const WordTiming& word : words) {
    const cv::Mat mask = ink(c.draw(word.start + 0.25));
    ASSERT_GT(cv::countNonZero(mask), 50) << word.text;
    glyphs.push_back(mask(cv::boundingRect(mask)).clone());
  }
  for (std::size_t i = 0; i < glyphs.size(); ++i) {
    for (std::size_t j = i + 1; j < glyphs.size(); ++j) {
      const bool same =
          glyphs[i].size() == glyphs[j].size() && cv::norm(glyphs[i], glyphs[j], cv::NORM_INF) == 0;
      EXPECT_FALSE(same) << letters[i] << " and " << letters[j] << " look identical (tofu?)";
    }
  }
}

TEST(CaptionRenderer, NoCuesDrawNothing) {
  Captions c = make({640, 360}, {}, style_for({20, 200, 600, 150}, 32));
  ASSERT_TRUE(c.renderer);
  EXPECT_EQ(cv::countNonZero(ink(c.draw(1.0))), 0);
}

TEST(CaptionRenderer, RejectsAnAreaOutsideTheFrame) {
  const auto result =
      CaptionRenderer::create({640, 360}, {}, {}, style_for({700, 400, 100, 100}, 32));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, "caption_geometry_invalid");
  EXPECT_FALSE(CaptionRenderer::create({0, 0}, {}, {}, style_for({0, 0, 1, 1}, 32)));
}

// Not a timed assertion: prints the cost so a regression is visible in the test log.
TEST(CaptionRenderer, DrawAt1080pIsCheap) {
  const auto created_at = std::chrono::steady_clock::now();
  Captions c =
      make({1920, 1080},
           timed("A two line caption that keeps the blend loop busy at full HD", 0.0, 0.25),
           style_for({96, 760, 1728, 280}, 64));
  ASSERT_TRUE(c.renderer);
  const double create_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - created_at)
          .count();
  cv::Mat frame = background({1920, 1080});
  constexpr int kFrames = 300;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kFrames; ++i) c.renderer->draw(frame, i / 30.0 * 0.3);
  const double per_frame =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      kFrames;
  std::printf("[ caption  ] create %.1f ms, draw %.3f ms/frame at 1080p\n", create_ms, per_frame);
  RecordProperty("draw_ms_per_frame", std::to_string(per_frame));
  EXPECT_GT(cv::countNonZero(ink(frame)), 0);
}

}  // namespace
}  // namespace pitchreel
