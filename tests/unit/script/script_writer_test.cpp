#include "script/script_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/utf8.h"
#include "script/description_text.h"

namespace pitchreel {
namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    const utf8::Decoded cp = utf8::decode(s, pos);
    if (!cp.valid) return false;
    pos += cp.length;
  }
  return true;
}

ScriptSuggestion suggest(std::string_view name, std::string_view description,
                         std::size_t max = 500) {
  auto result = suggest_script(name, description, max);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result.value_or(ScriptSuggestion{});
}

// Every benefit must be quoted from the description: the writer never invents facts.
void expect_quoted(const ScriptSuggestion& s, std::string_view description) {
  const std::string cleaned = clean_description(description);
  for (const std::string& b : s.benefits) {
    EXPECT_NE(cleaned.find(b), std::string::npos) << b;
    EXPECT_NE(s.script.find(b), std::string::npos) << b;
  }
}

constexpr std::string_view kLamp =
    "<h2>Why you&#39;ll love it</h2><p>The Aurora lamp is made from recycled aluminium "
    "&amp; oak.</p><ul><li>Three brightness levels with a touch dimmer</li>"
    "<li>USB-C port charges your phone while you work</li><li>Battery lasts up to 40 "
    "hours&nbsp;on one charge</li></ul><p>Free shipping on all orders! Visit "
    "https://example.com/lamp for more.</p><script>track('x')</script>";

TEST(SuggestScript, OpensWithNameQuotesBenefitsAndCallsToAction) {
  const ScriptSuggestion s = suggest("Aurora Desk Lamp", kLamp);
  EXPECT_TRUE(s.script.starts_with("Meet the Aurora Desk Lamp.")) << s.script;
  EXPECT_TRUE(s.script.ends_with("Order yours today.")) << s.script;
  EXPECT_GE(s.benefits.size(), 2u);
  EXPECT_LE(s.benefits.size(), 3u);
  expect_quoted(s, kLamp);
  EXPECT_LE(utf8::length(s.script), 500u);
  for (std::string_view junk : {"<", "&amp;", "&#39;", "https://", "shipping", "track("}) {
    EXPECT_EQ(s.script.find(junk), std::string::npos) << junk << " in " << s.script;
  }
}

TEST(SuggestScript, CleanDescriptionStripsHtmlEntitiesUrlsAndBullets) {
  EXPECT_EQ(clean_description("<p>Tom &amp; Jerry&#39;s&nbsp;mug</p><br/>• Holds 350&#x202F;ml "
                              "\U0001F600\n- Dishwasher safe www.shop.com"),
            "Tom & Jerry's mug\nHolds 350 ml\nDishwasher safe");
  EXPECT_EQ(clean_description("3 < 5 and &bogus; stays"), "3 < 5 and &bogus; stays");
}

TEST(SuggestScript, IsDeterministic) {
  EXPECT_EQ(suggest("Aurora", kLamp).script, suggest("Aurora", kLamp).script);
}

TEST(SuggestScript, EmptyDescriptionGivesNameAndCallToAction) {
  const ScriptSuggestion s = suggest("Aurora", "");
  EXPECT_EQ(s.script, "Meet the Aurora. Order yours today.");
  EXPECT_TRUE(s.benefits.empty());
  EXPECT_EQ(suggest("The Aurora", "  <p></p> ").script, "Meet The Aurora. Order yours today.");
}

TEST(SuggestScript, EmptyNameIsAnError) {
  for (std::string_view name : {"", "   ", "<b></b>", "\U0001F600"}) {
    auto result = suggest_script(name, kLamp);
    ASSERT_FALSE(result.has_value()) << name;
    EXPECT_EQ(result.error().code, "product_name_missing");
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST(SuggestScript, VeryLongDescriptionStaysWithinTheLimit) {
  std::string description;
  for (int i = 0; description.size() < 10000; ++i) {
    description += "This sturdy backpack model " + std::to_string(i) +
                   " has padded straps, a waterproof shell, and a laptop sleeve that fits "
                   "sixteen inch machines, while the side pockets hold bottles, keys, cables, "
                   "chargers, notebooks and snacks for a long day out. ";
  }
  for (std::size_t max : {500u, 200u, 120u, 40u}) {
    const ScriptSuggestion s = suggest("Trail Pack", description, max);
    EXPECT_LE(utf8::length(s.script), max) << s.script;
    expect_quoted(s, description);
  }
  const ScriptSuggestion s = suggest("Trail Pack", description);
  EXPECT_GE(s.benefits.size(), 2u);
  for (const std::string& b : s.benefits) EXPECT_LE(utf8::length(b), 120u) << b;
}

TEST(SuggestScript, NonLatinDescriptionsAreQuotedIntact) {
  const std::string greek =
      "Η λάμπα είναι φτιαγμένη από ανακυκλωμένο αλουμίνιο. Έχει τρία επίπεδα φωτεινότητας. "
      "Η μπαταρία διαρκεί έως 40 ώρες.";
  const std::string cjk = "这款台灯采用再生铝制成。三档亮度调节，触摸调光。电池续航长达四十小时。";
  const std::string russian = "Лампа сделана из переработанного алюминия. Три уровня яркости.";
  for (const std::string& d : {greek, cjk, russian}) {
    const ScriptSuggestion s = suggest("Aurora", d);
    EXPECT_TRUE(valid_utf8(s.script)) << s.script;
    EXPECT_FALSE(s.benefits.empty()) << d;
    expect_quoted(s, d);
  }
  // A CJK run longer than the limit is cut on a code point boundary.
  std::string long_cjk;
  for (int i = 0; i < 400; ++i) long_cjk += "铝";
  for (std::size_t max : {500u, 101u, 60u}) {
    const ScriptSuggestion s = suggest("台灯", long_cjk, max);
    EXPECT_TRUE(valid_utf8(s.script));
    EXPECT_LE(utf8::length(s.script), max);
    expect_quoted(s, long_cjk);
  }
}

TEST(SuggestScript, InvalidUtf8InInputNeverReachesTheScript) {
  const ScriptSuggestion s =
      suggest("Lamp\xFF", "Made from \xC3 recycled aluminium and oak wood.\xE2\x82");
  EXPECT_TRUE(valid_utf8(s.script));
  EXPECT_TRUE(s.script.starts_with("Meet the Lamp."));
}

}  // namespace
}  // namespace pitchreel

namespace pitchreel {
namespace {

TEST(SuggestScript, PrefersFeaturesOverQuestionsAndShopBoilerplate) {
  const std::string description =
      "Tired of warm drinks? The Quencher keeps drinks cold for 11 hours and hot for 7. "
      "Free shipping over $50. It's made with 90% recycled stainless steel. Buy now!";
  const ScriptSuggestion s = suggest("Stanley Quencher", description);
  EXPECT_EQ(s.script,
            "Meet the Stanley Quencher. The Quencher keeps drinks cold for 11 hours and hot for 7. "
            "It's made with 90% recycled stainless steel. Order yours today.");
}

TEST(SuggestScript, ChineseBenefitsEndWithAnIdeographicFullStop) {
  const ScriptSuggestion s = suggest("Aurora", "这款台灯采用再生铝制成。三档亮度调节，触摸调光。");
  EXPECT_NE(s.script.find("这款台灯采用再生铝制成。"), std::string::npos) << s.script;
}

// Sentence ends and clause marks are Unicode's (core/text_classes.h): a Hindi description
// is cut at its danda and keeps it, an Arabic question is left out like any question.
TEST(SuggestScript, OtherScriptsSentenceMarksSplitAndCloseBenefits) {
  const ScriptSuggestion hindi =
      suggest("Aurora", "यह बोतल पानी को चौबीस घंटे ठंडा रखती है। इसका ढक्कन रिसाव से पूरी तरह सुरक्षित है।");
  ASSERT_EQ(hindi.benefits.size(), 2u) << hindi.script;
  EXPECT_EQ(hindi.benefits[0], "यह बोतल पानी को चौबीस घंटे ठंडा रखती है");
  EXPECT_NE(hindi.script.find("ठंडा रखती है। इसका"), std::string::npos) << hindi.script;
  EXPECT_EQ(hindi.script.find("।."), std::string::npos) << hindi.script;

  const ScriptSuggestion arabic =
      suggest("Aurora", "هل تبحث عن زجاجة تحافظ على برودة الماء؟ تحافظ هذه الزجاجة على برودة "
                        "الماء طوال اليوم.");
  for (const std::string& benefit : arabic.benefits) {
    EXPECT_EQ(benefit.find("هل تبحث"), std::string::npos) << arabic.script;
  }
  EXPECT_FALSE(arabic.benefits.empty()) << arabic.script;
}

}  // namespace
}  // namespace pitchreel
