#include "render/title_fit.h"

#include <gtest/gtest.h>

#include "render/caption_metrics.h"

namespace pitchreel {
namespace {

double widest(const FittedTitle& t) {
  double w = 0;
  for (const auto& l : t.lines) {
    w = std::max(w, estimate_caption_line_width(l, t.font_px) + 2.0 * caption_outline_px(t.font_px));
  }
  return w;
}

const cv::Size kBox(640, 110);

TEST(TitleFit, ShortTitleIsOneLineAtFullSize) {
  const FittedTitle t = fit_title("Apple Slicer", kBox, 43, 26);
  ASSERT_EQ(t.lines.size(), 1u);
  EXPECT_EQ(t.font_px, 43);
  EXPECT_FALSE(t.shortened);
}

TEST(TitleFit, LongTitleWrapsToTwoBalancedLinesBeforeShrinking) {
  const FittedTitle t = fit_title("Apple Slicer Pro with a stainless steel blade", kBox, 43, 26);
  ASSERT_EQ(t.lines.size(), 2u);
  EXPECT_GE(t.font_px, 26);
  EXPECT_LE(widest(t), kBox.width);
  EXPECT_LE(title_block_height(2, t.font_px), kBox.height);
  EXPECT_EQ(t.lines[0] + " " + t.lines[1], "Apple Slicer Pro with a stainless steel blade");
  EXPECT_FALSE(t.shortened);
}

TEST(TitleFit, VeryLongTitleStopsAtTheFloorAndEndsWithAnEllipsis) {
  const std::string title =
      "The Original Professional Stainless Steel Apple Slicer and Corer with Twelve Blades, "
      "Non-Slip Handle, Dishwasher Safe, Gift Box Included";
  const FittedTitle t = fit_title(title, kBox, 43, 26);
  ASSERT_EQ(t.lines.size(), 2u);
  EXPECT_EQ(t.font_px, 26) << "never below the floor";
  EXPECT_TRUE(t.shortened);
  EXPECT_NE(t.lines[1].find("\u2026"), std::string::npos);
  EXPECT_LE(widest(t), kBox.width);
}

TEST(TitleFit, CjkTitleBreaksBetweenCharacters) {
  const FittedTitle t =
      fit_title("不锈钢苹果切片器十二刀片防滑手柄可放洗碗机礼盒装专业版", {400, 110}, 43, 26);
  ASSERT_FALSE(t.lines.empty());
  EXPECT_LE(widest(t), 400);
}

}  // namespace
}  // namespace pitchreel
