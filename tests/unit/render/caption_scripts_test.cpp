// Captions in every script the voices speak, rendered by the real libass with the fonts
// the install script brings (DejaVu, Noto, Noto CJK):
// - fontconfig has a font for every character of each sample (no missing-glyph boxes);
// - the family chosen for each text (caption_font_family) is the script's own Noto family
//   (DejaVu Sans for Latin, Greek, Cyrillic) and has a glyph for every character, so
//   nothing is drawn as a missing-glyph box or in a stray design;
// - right-to-left lines are in visual order: the karaoke highlight moves right to left;
// - a CJK sentence timed as one word is cut into cues at its punctuation and by width.
#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <memory>

#include "core/utf8.h"
#include "render/caption_font.h"
#include "render/captions.h"

namespace pitchreel {
namespace {

struct Sample {
  const char* name;
  const char* family;  // the Noto family that covers it
  std::vector<std::string> words;
};

std::vector<Sample> samples() {
  return {
      {"Chinese", "Noto Sans CJK SC", {"这款切片器", "一下就能切好", "苹果。"}},
      {"Japanese", "Noto Sans CJK JP", {"このスライサーは", "一回で", "切れます。"}},
      {"Korean", "Noto Sans CJK KR", {"이", "슬라이서는", "한", "번에", "자릅니다."}},
      {"Arabic", "Noto Sans Arabic", {"هذه", "القطاعة", "تقطع", "التفاح"}},
      {"Hebrew", "Noto Sans Hebrew", {"המכשיר", "חותך", "תפוחים", "מהר"}},
      {"Devanagari", "Noto Sans Devanagari", {"यह", "स्लाइसर", "सेब", "काटता", "है।"}},
      {"Thai", "Noto Sans Thai", {"เครื่องหั่น", "แอปเปิ้ล", "ใหม่"}},
      {"Cyrillic", "DejaVu Sans", {"Новая", "яблокорезка", "режет", "быстро."}},
      {"Greek", "DejaVu Sans", {"Ο", "νέος", "κόφτης", "μήλων."}},
  };
}

std::vector<WordTiming> timed(const std::vector<std::string>& words) {
  std::vector<WordTiming> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out.push_back({words[i], 0.5 * static_cast<double>(i), 0.5 * static_cast<double>(i) + 0.45});
  }
  return out;
}

// True when some installed font (of `family`, when given) has a glyph for `cp`.
bool covered(char32_t cp, const std::string& family = {}) {
  struct PatternFree {
    void operator()(FcPattern* p) const { FcPatternDestroy(p); }
  };
  struct CharSetFree {
    void operator()(FcCharSet* c) const { FcCharSetDestroy(c); }
  };
  struct ObjectSetFree {
    void operator()(FcObjectSet* o) const { FcObjectSetDestroy(o); }
  };
  struct FontSetFree {
    void operator()(FcFontSet* f) const { FcFontSetDestroy(f); }
  };
  std::unique_ptr<FcPattern, PatternFree> pattern(FcPatternCreate());
  std::unique_ptr<FcCharSet, CharSetFree> chars(FcCharSetCreate());
  FcCharSetAddChar(chars.get(), static_cast<FcChar32>(cp));
  FcPatternAddCharSet(pattern.get(), FC_CHARSET, chars.get());
  if (!family.empty()) {
    FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  }
  std::unique_ptr<FcObjectSet, ObjectSetFree> objects(FcObjectSetBuild(FC_FAMILY, nullptr));
  std::unique_ptr<FcFontSet, FontSetFree> fonts(FcFontList(nullptr, pattern.get(), objects.get()));
  return fonts && fonts->nfont > 0;
}

const cv::Scalar kBackground(60, 60, 60);

cv::Mat render(const Sample& s, const std::string& family, double t, cv::Size size) {
  const auto words = timed(s.words);
  CaptionStyle style;
  style.area = cv::Rect(20, 20, size.width - 40, size.height - 40);
  style.font_px = 40;
  style.font_family = family.empty() ? caption_font_family(words) : family;
  std::vector<std::string> line_words;
  for (const auto& w : s.words) line_words.push_back(w);
  const auto cues = layout_captions(words, caption_layout_for(style));
  auto renderer = CaptionRenderer::create(size, words, cues, style);
  EXPECT_TRUE(renderer.has_value());
  cv::Mat frame(size, CV_8UC3, kBackground);
  if (renderer) (*renderer)->draw(frame, t);
  return frame;
}

cv::Mat ink(const cv::Mat& frame) {
  cv::Mat diff;
  cv::absdiff(frame, kBackground, diff);
  cv::Mat gray;
  cv::cvtColor(diff, gray, cv::COLOR_BGR2GRAY);
  return gray > 30;
}

// The yellow of the word being spoken.
double highlight_x(const cv::Mat& frame) {
  cv::Mat mask;
  cv::inRange(frame, cv::Scalar(0, 180, 200), cv::Scalar(60, 240, 255), mask);
  const cv::Moments m = cv::moments(mask, true);
  return m.m00 > 0 ? m.m10 / m.m00 : -1;
}

TEST(CaptionScripts, EveryCharacterHasAnInstalledFont) {
  for (const Sample& s : samples()) {
    for (const std::string& word : s.words) {
      for (std::size_t pos = 0; pos < word.size();) {
        const char32_t cp = utf8::next(word, pos);
        EXPECT_TRUE(covered(cp)) << s.name << ": no installed font has U+" << std::hex
                                 << static_cast<unsigned>(cp)
                                 << " (run scripts/install-deps.sh for the Noto fonts)";
      }
    }
  }
}

TEST(CaptionScripts, TheChosenFamilyHasEveryGlyphAndDrawsTheWords) {
  const cv::Size size(1280, 240);
  for (const Sample& s : samples()) {
    const std::string family = caption_font_family(timed(s.words));
    EXPECT_EQ(family, s.family) << s.name;
    for (const std::string& word : s.words) {
      for (std::size_t pos = 0; pos < word.size();) {
        const char32_t cp = utf8::next(word, pos);
        if (cp == 0x0964) continue;  // the danda: from the Devanagari font or a fallback
        EXPECT_TRUE(covered(cp, family)) << s.name << ": " << family << " has no U+" << std::hex
                                         << static_cast<unsigned>(cp);
      }
    }
    // Drawn: ink across the caption, a few glyphs' worth per word.
    const cv::Mat drawn = ink(render(s, "", 0.2, size));
    const cv::Rect box = cv::boundingRect(drawn);
    EXPECT_GT(box.width, 40 * static_cast<int>(s.words.size())) << s.name;
  }
}

TEST(CaptionScripts, RightToLeftHighlightMovesRightToLeft) {
  const cv::Size size(1280, 240);
  for (const Sample& s : samples()) {
    const std::string name = s.name;
    if (name != "Arabic" && name != "Hebrew") continue;
    double previous = 1e9;
    for (std::size_t w = 0; w < s.words.size(); ++w) {
      const double x = highlight_x(render(s, "", 0.5 * static_cast<double>(w) + 0.2, size));
      ASSERT_GE(x, 0) << name << " word " << w << " not highlighted";
      EXPECT_LT(x, previous) << name << ": word " << w << " is not left of the one before";
      previous = x;
    }
  }
}

TEST(CaptionScripts, ChineseSentenceTimedAsOneWordIsSplitIntoCues) {
  const std::string sentence =
      "这款切片器一下就能把苹果切成八块，果核留在中间。清洗也很简单，放进洗碗机就行。"
      "现在下单还有优惠！";
  const std::vector<WordTiming> words = {{sentence, 0.5, 8.5}};
  const auto split = split_caption_words(words, 10);
  ASSERT_GT(split.size(), 4u);
  EXPECT_DOUBLE_EQ(split.front().start, 0.5);
  EXPECT_NEAR(split.back().end, 8.5, 1e-9);
  std::string joined;
  for (const auto& w : split) {
    EXPECT_LE(utf8::length(w.text), 11u) << w.text;
    joined += w.text;
  }
  EXPECT_EQ(joined, sentence) << "no character lost or added";
  CaptionStyle style;
  style.area = cv::Rect(36, 800, 648, 150);
  style.font_px = 36;
  const auto cues = layout_captions(split, caption_layout_for(style));
  EXPECT_GE(cues.size(), 3u) << "one cue per sentence at least";
  for (const auto& cue : cues) {
    EXPECT_LE(cue.end - cue.start, 4.5) << cue.lines.front();
    for (const auto& line : cue.lines) {
      EXPECT_EQ(line.find(' '), std::string::npos) << "CJK lines carry no visible spaces";
    }
  }
  // The sentence marks end cues.
  EXPECT_NE(cues.front().lines.back().find("。"), std::string::npos);
}

// The family follows the Unicode script (ICU), including blocks the old ranges missed:
// CJK extensions G and H, kana written with the Common prolonged sound mark, Arabic
// presentation forms, Devanagari with its marks, and a Latin word inside Japanese.
TEST(CaptionScripts, FamilyFollowsTheUnicodeScriptOfEveryBlock) {
  EXPECT_EQ(caption_font_family("\U00030000\U00031350"), "Noto Sans CJK SC");
  EXPECT_EQ(caption_font_family("iPhone\u30B1\u30FC\u30B9"), "Noto Sans CJK JP");
  EXPECT_EQ(caption_font_family("\uD55C\uAD6D\uC5B4 \u4E2D"), "Noto Sans CJK KR");
  EXPECT_EQ(caption_font_family("\uFEFB \u0645\u0631\u062D\u0628\u0627"), "Noto Sans Arabic");
  EXPECT_EQ(caption_font_family("\u0939\u093F\u0902\u0926\u0940"), "Noto Sans Devanagari");
  EXPECT_EQ(caption_font_family("\u0E41\u0E01\u0E49\u0E27 Mug"), "Noto Sans Thai");
  EXPECT_EQ(caption_font_family("\u041A\u0440\u0443\u0436\u043A\u0430 \u2014 350 ml"), "DejaVu Sans");
}

}  // namespace
}  // namespace pitchreel
