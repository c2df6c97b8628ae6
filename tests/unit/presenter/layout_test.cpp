// Every layout in every shape: boxes inside the frame, the product clear of the presenter
// and of the captions, and the captions off the presenter's mouth, with a real portrait
// framed in its panel exactly as the CPU engine does.
#include <gtest/gtest.h>

#include "media/image.h"
#include "presenter/presenter_panel.h"
#include "render/frame_layout.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

struct Case {
  Layout layout;
  cv::Size frame;
  friend void PrintTo(const Case& c, std::ostream* os) {
    *os << layout_name(c.layout) << " " << c.frame.width << "x" << c.frame.height;
  }
};

class LayoutTest : public ::testing::TestWithParam<Case> {};

TEST_P(LayoutTest, BoxesFitAndCaptionsStayOffTheMouthAndProduct) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/painted-girl.jpg");
  const auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value());
  auto face = detect_face(*portrait);
  ASSERT_TRUE(face.has_value());
  const Case c = GetParam();
  const cv::Rect frame({}, c.frame);
  for (const bool title : {false, true}) {
    FrameLayout layout = make_layout(c.layout, c.frame, title, true);
    ASSERT_FALSE(layout.presenter.empty());
    EXPECT_EQ((layout.presenter & frame), layout.presenter);
    EXPECT_EQ(layout.presenter.x % 2 + layout.presenter.y % 2 + layout.presenter.width % 2 +
                  layout.presenter.height % 2,
              0);
    auto panel =
        PresenterPanel::create(*portrait, *face, layout.presenter, layout.presenter_radius);
    ASSERT_TRUE(panel.has_value()) << panel.error().message;
    const cv::Rect mouth = panel->mouth_area();
    EXPECT_EQ((mouth & layout.presenter), mouth) << "the mouth is inside the panel";
    layout = keep_captions_off(layout, mouth);
    for (const cv::Rect& r : {layout.product, layout.captions}) {
      ASSERT_FALSE(r.empty());
      EXPECT_EQ((r & frame), r);
    }
    EXPECT_TRUE((layout.captions & mouth).empty()) << "captions over the mouth";
    EXPECT_TRUE((layout.product & layout.presenter).empty()) << "product under the presenter";
    EXPECT_TRUE((layout.product & layout.captions).empty()) << "captions over the product";
    EXPECT_GE(layout.captions.height, layout.caption_font_px * 2);
    if (title) {
      EXPECT_TRUE((layout.title & layout.presenter).empty());
      EXPECT_TRUE((layout.title & layout.product).empty());
    }
  }
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (Layout l : {Layout::kPresenter, Layout::kSplit, Layout::kPip}) {
    for (cv::Size s :
         {cv::Size(1920, 1080), cv::Size(1080, 1920), cv::Size(1080, 1080), cv::Size(1280, 720)}) {
      cases.push_back({l, s});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllShapes, LayoutTest, ::testing::ValuesIn(all_cases()));

TEST(LayoutNames, ParseAndErrors) {
  for (Layout l : {Layout::kShowcase, Layout::kPresenter, Layout::kSplit, Layout::kPip}) {
    auto parsed = parse_layout(layout_name(l));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, l);
  }
  auto bad = parse_layout("sidebyside");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "invalid_layout");
  EXPECT_NE(bad.error().message.find("pip"), std::string::npos);
}

TEST(KeepCaptionsOff, MovesTheBoxBelowOrAboveTheMouth) {
  FrameLayout layout;
  layout.caption_font_px = 40;
  layout.captions = cv::Rect(0, 500, 800, 400);
  auto below = keep_captions_off(layout, cv::Rect(300, 450, 200, 100));
  EXPECT_EQ(below.captions.y, 550);
  EXPECT_EQ(below.captions.br().y, 900);
  auto above = keep_captions_off(layout, cv::Rect(300, 820, 200, 100));
  EXPECT_EQ(above.captions.y, 500);
  EXPECT_EQ(above.captions.br().y, 820);
  auto untouched = keep_captions_off(layout, cv::Rect(0, 0, 100, 100));
  EXPECT_EQ(untouched.captions, layout.captions);
}

}  // namespace
}  // namespace pitchreel
