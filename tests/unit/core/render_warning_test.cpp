#include "core/render_warning.h"

#include <gtest/gtest.h>

namespace pitchreel {
namespace {

TEST(RenderWarning, StoredFormRoundTripsQuotesAndUnicode) {
  const std::vector<RenderWarning> warnings = {
      {"low_resolution_image", "The photo is 320x240 \"small\": use one of 1000 px, ü 日本"},
      {"tts_fallback", ""}};
  const std::string text = warnings_to_json(warnings);
  EXPECT_EQ(warnings_from_json(text), warnings);
  EXPECT_EQ(warnings_to_json({}), "[]");
  EXPECT_TRUE(warnings_from_json("[]").empty());
}

TEST(RenderWarning, TextThatIsNotAWarningListGivesNone) {
  EXPECT_TRUE(warnings_from_json("").empty());
  EXPECT_TRUE(warnings_from_json("{not json").empty());
  EXPECT_TRUE(warnings_from_json(R"({"code":"x"})").empty());
  // Items without a string code are skipped; a missing message is empty.
  const auto some = warnings_from_json(R"([{"code":1},"x",{"code":"small_face"}])");
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0], (RenderWarning{"small_face", ""}));
}

}  // namespace
}  // namespace pitchreel
