#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pitchreel {
namespace {

TEST(Utf8Decode, DecodesOneToFourByteSequences) {
  const std::string_view s = "a\u00E9\u20AC\U0001F600";  // a é € 😀
  std::size_t pos = 0;
  for (const auto& [cp, len] :
       {std::pair<char32_t, std::size_t>{U'a', 1}, {0xE9, 2}, {0x20AC, 3}, {0x1F600, 4}}) {
    const utf8::Decoded d = utf8::decode(s, pos);
    EXPECT_TRUE(d.valid);
    EXPECT_EQ(d.code_point, cp);
    EXPECT_EQ(d.length, len);
    pos += d.length;
  }
  EXPECT_EQ(pos, s.size());
}

TEST(Utf8Decode, RejectsOverlongForms) {
  for (const std::string_view s :
       {std::string_view("\xC0\xAF"), std::string_view("\xC1\xBF"),
        std::string_view("\xE0\x80\xAF"), std::string_view("\xF0\x80\x80\xAF")}) {
    const utf8::Decoded d = utf8::decode(s, 0);
    EXPECT_FALSE(d.valid);
    EXPECT_EQ(d.code_point, utf8::kReplacement);
    EXPECT_EQ(d.length, 1u);
  }
}

TEST(Utf8Decode, RejectsSurrogatesAndOutOfRange) {
  for (const std::string_view s :
       {std::string_view("\xED\xA0\x80"), std::string_view("\xED\xBF\xBF"),
        std::string_view("\xF4\x90\x80\x80")}) {
    const utf8::Decoded d = utf8::decode(s, 0);
    EXPECT_FALSE(d.valid);
    EXPECT_EQ(d.code_point, utf8::kReplacement);
    EXPECT_EQ(d.length, 1u);
  }
}

TEST(Utf8Decode, TruncatedOrBrokenSequenceConsumesOneByte) {
  const std::string_view truncated = "\xE2\x82";  // first two bytes of €
  const utf8::Decoded d = utf8::decode(truncated, 0);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(d.length, 1u);
  // A lead byte followed by ASCII: the ASCII byte is not swallowed.
  const std::string_view broken =
      "\xC3"
      "A";
  EXPECT_EQ(utf8::decode(broken, 0).length, 1u);
  EXPECT_EQ(utf8::decode(broken, 1).code_point, U'A');
  // A stray continuation byte.
  EXPECT_FALSE(utf8::decode("\x80", 0).valid);
}

TEST(Utf8Length, CountsCodePointsAndInvalidBytesAsOne) {
  EXPECT_EQ(utf8::length(""), 0u);
  EXPECT_EQ(utf8::length("abc"), 3u);
  EXPECT_EQ(utf8::length("\u00E9t\u00E9"), 3u);
  EXPECT_EQ(utf8::length("\U0001F600"), 1u);
  EXPECT_EQ(utf8::length("\xFF\xFE"), 2u);
  EXPECT_EQ(utf8::length("a\xE2\x82"), 3u);     // truncated €: two invalid bytes
  EXPECT_EQ(utf8::length("\xED\xA0\x80"), 3u);  // surrogate: three invalid bytes
}

TEST(Utf8Next, AdvancesByWholeCodePointsAndNeverSplitsOne) {
  const std::string s = "x\u00E9\xFF\u20AC\xE2\x82\U0001F600";
  std::vector<char32_t> seen;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t before = pos;
    const char32_t cp = utf8::next(s, pos);
    seen.push_back(cp);
    ASSERT_GT(pos, before);
    ASSERT_LE(pos, s.size());
    // Every boundary lands on a byte that is not a continuation of a valid sequence
    // just decoded: the bytes consumed re-encode to the same code point when valid.
    if (cp != utf8::kReplacement) {
      std::string encoded;
      utf8::append(encoded, cp);
      EXPECT_EQ(s.substr(before, pos - before), encoded);
    } else {
      EXPECT_EQ(pos - before, 1u);
    }
  }
  EXPECT_EQ(seen, (std::vector<char32_t>{U'x', 0xE9, utf8::kReplacement, 0x20AC, utf8::kReplacement,
                                         utf8::kReplacement, 0x1F600}));
  EXPECT_EQ(seen.size(), utf8::length(s));
}

TEST(Utf8Append, RoundTripsThroughDecode) {
  for (const char32_t cp :
       {char32_t{0x24}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800},
        char32_t{0xFFFD}, char32_t{0x10000}, char32_t{0x10FFFF}}) {
    std::string out;
    utf8::append(out, cp);
    const utf8::Decoded d = utf8::decode(out, 0);
    EXPECT_TRUE(d.valid) << static_cast<unsigned>(cp);
    EXPECT_EQ(d.code_point, cp);
    EXPECT_EQ(d.length, out.size());
  }
}

TEST(Utf8Prefix, CountsCodePointsAndNeverCutsInsideOne) {
  const std::string_view s = "\u00E9t\u00E9 \U0001F600!";
  EXPECT_EQ(utf8::prefix(s, 0), "");
  EXPECT_EQ(utf8::prefix(s, 1), "\u00E9");
  EXPECT_EQ(utf8::prefix(s, 3), "\u00E9t\u00E9");
  EXPECT_EQ(utf8::prefix(s, 5), "\u00E9t\u00E9 \U0001F600");
  EXPECT_EQ(utf8::prefix(s, 100), s);
  EXPECT_EQ(utf8::prefix("\xFF\xFE"
                         "a",
                         1),
            "\xFF");  // invalid bytes count one each
}

}  // namespace
}  // namespace pitchreel
