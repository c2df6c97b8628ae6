#include "core/output_format.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pitchreel {
namespace {

TEST(OutputFormat, ShapesAndSizes) {
  struct Case {
    const char* aspect;
    int height, w, h;
  };
  for (const auto& c : {Case{"16:9", 1080, 1920, 1080}, Case{"9:16", 1080, 1080, 1920},
                        Case{"1:1", 1080, 1080, 1080}, Case{"16:9", 720, 1280, 720},
                        Case{"9:16", 720, 720, 1280}, Case{"1:1", 720, 720, 720}}) {
    OutputFormat f{*parse_aspect(c.aspect), c.height};
    EXPECT_EQ(f.width_px(), c.w) << c.aspect << " " << c.height;
    EXPECT_EQ(f.height_px(), c.h) << c.aspect << " " << c.height;
    EXPECT_EQ(f.longer_px(), std::max(c.w, c.h)) << c.aspect << " " << c.height;
    EXPECT_EQ(f.aspect_name(), c.aspect);
  }
}

TEST(OutputFormat, RejectsUnknownShapes) {
  auto a = parse_aspect("4:3");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "invalid_aspect");
  EXPECT_NE(a.error().message.find("9:16"), std::string::npos);
  EXPECT_EQ(check_height(480).error().code, "invalid_height");
  EXPECT_TRUE(check_height(720));
}

}  // namespace
}  // namespace pitchreel
