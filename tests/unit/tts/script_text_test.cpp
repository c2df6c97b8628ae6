#include "tts/script_text.h"

#include <gtest/gtest.h>

#include <string>

#include "core/utf8.h"

namespace pitchreel {
namespace {

std::string normalized(std::string_view raw) {
  auto result = normalize_script(raw);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result.value_or("");
}

TEST(NormalizeScript, CollapsesAllWhitespaceAndTrims) {
  EXPECT_EQ(normalized("  Hello\n\n world\t again \r\n"), "Hello world again");
  // NBSP, em space, narrow NBSP, ideographic space
  EXPECT_EQ(normalized("a\u00A0b\u2003c\u202Fd\u3000e"), "a b c d e");
}

TEST(NormalizeScript, RemovesControlAndZeroWidthCharacters) {
  EXPECT_EQ(normalized("He\x01l\x7Flo\u200B wor\u200Dld\uFEFF"), "Hello world");
  EXPECT_EQ(normalized("one\x1Btwo"), "onetwo");
}

TEST(NormalizeScript, DropsInvalidUtf8) {
  EXPECT_EQ(normalized("Caf\xE9 ok \xC0\xAF \xED\xA0\x80 fine"), "Caf ok fine");
}

TEST(NormalizeScript, KeepsMarkupAsText) {
  EXPECT_EQ(normalized("<speak>Tom & Jerry</speak> [[h@l'oU]]"),
            "<speak>Tom & Jerry</speak> [[h@l'oU]]");
}

TEST(NormalizeScript, DropsEmojiBetweenWords) {
  EXPECT_EQ(normalized("Great\U0001F44Ddeal \U0001F600 today"), "Great deal today");
}

// Characters the old hand-written tables missed, classified by ICU (core/text_classes.h).
TEST(NormalizeScript, DropsEmojiSequencesFlagsAndSelectorsOfEveryVersion) {
  // ZWJ family, skin tone, flag (two regional indicators), keycap, a Unicode 15 emoji and
  // a text-style heart with its emoji selector.
  EXPECT_EQ(normalized("Fun👨‍👩‍👧for all"), "Fun for all");
  EXPECT_EQ(normalized("Thumbs👍🏽up"), "Thumbs up");
  EXPECT_EQ(normalized("Made in🇩🇪Germany"), "Made in Germany");
  EXPECT_EQ(normalized("Pack of 1️⃣"), "Pack of 1");
  EXPECT_EQ(normalized("Wow🫨 deal ❤️"), "Wow deal");
  EXPECT_EQ(normalized("Acme™ Mug ℹ️"), "Acme Mug");
  auto only_new_emoji = normalize_script("🫨🇺🇸ℹ");
  ASSERT_FALSE(only_new_emoji.has_value());
  EXPECT_EQ(only_new_emoji.error().code, "script_unspeakable");
}

TEST(NormalizeScript, DropsInvisiblesAndFoldsUnusualSpaces) {
  // Soft hyphen, ideographic variation selector, zero-width non-joiner, Hangul filler.
  EXPECT_EQ(normalized("Ther­mo‌becher"), "Thermobecher");
  EXPECT_EQ(normalized("葛󠄀城"), "葛城");
  EXPECT_EQ(normalized("ㅤ Mug"), "Mug");
  // Ogham space mark, four-per-em, medium mathematical space, line separator.
  EXPECT_EQ(normalized("a b c d e"), "a b c d e");
}

TEST(NormalizeScript, KeepsMarksOfThaiDevanagariAndCjkExtensions) {
  EXPECT_EQ(normalized("แก้วน้ำ  สแตนเลส"), "แก้วน้ำ สแตนเลส");
  EXPECT_EQ(normalized("हिंदी में"), "हिंदी में");
  EXPECT_EQ(normalized("𠮷𰀀𱍐"), "𠮷𰀀𱍐");
}

TEST(NormalizeScript, KeepsNonLatinText) {
  EXPECT_EQ(normalized("Καλημέρα  κόσμε"), "Καλημέρα κόσμε");
  EXPECT_EQ(normalized("你好世界"), "你好世界");
}

TEST(NormalizeScript, EmptyOrWhitespaceIsScriptEmpty) {
  for (std::string_view raw : {"", "   ", "\n\t\u00A0", "\x01\x02"}) {
    auto result = normalize_script(raw);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "script_empty");
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(result.error().message.find("--product-name"), std::string::npos);
  }
}

TEST(NormalizeScript, OnlyEmojiOrSymbolsIsUnspeakable) {
  for (std::string_view raw : {"\U0001F600\U0001F680", "!!! ...", "<> & </>", "\u2014 \u2022"}) {
    auto result = normalize_script(raw);
    ASSERT_FALSE(result.has_value()) << raw;
    EXPECT_EQ(result.error().code, "script_unspeakable") << raw;
  }
}

TEST(CheckScriptLength, CountsCodePointsNotBytes) {
  EXPECT_TRUE(check_script_length(std::string(500, 'x')).has_value());
  std::string five_hundred_greek;
  for (int i = 0; i < 500; ++i) five_hundred_greek += "λ";
  EXPECT_EQ(utf8::length(five_hundred_greek), 500u);
  EXPECT_TRUE(check_script_length(five_hundred_greek).has_value());
}

TEST(CheckScriptLength, TooLongSaysHowLongAndTheLimit) {
  const auto status = check_script_length(std::string(5000, 'a'));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, "script_too_long");
  EXPECT_NE(status.error().message.find("5000"), std::string::npos);
  EXPECT_NE(status.error().message.find("500."), std::string::npos);
  EXPECT_FALSE(check_script_length("abcdef", 5).has_value());
}

}  // namespace
}  // namespace pitchreel
