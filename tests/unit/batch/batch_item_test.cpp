#include "batch/batch_item.h"

#include <gtest/gtest.h>

namespace pitchreel::batch {
namespace {

CsvTable table(const std::string& text) {
  auto t = parse_csv(text);
  EXPECT_TRUE(t) << t.error().message;
  return t ? *t : CsvTable{};
}

TEST(BatchItem, ColumnNamesCompareWithoutCaseOrSeparators) {
  EXPECT_EQ(canonical_field("product_name"), "productName");
  EXPECT_EQ(canonical_field("Product Name"), "productName");
  EXPECT_EQ(canonical_field("IMAGE-URL"), "imageUrl");
  EXPECT_EQ(canonical_field("price"), "");
}

TEST(BatchItem, RowsBecomeItemsOverTheDefaults) {
  const auto parsed = parse_table(
      table("Product Name,image_url,script,aspect,height,title,price\n"
            "Aurora,a.jpg,,,,yes,19.99\n"
            "Lamp,b.png,Meet the lamp.,9:16,720,,5\n"),
      {{"aspect", "1:1"}, {"voice", "en-gb"}});
  ASSERT_TRUE(parsed.problems.empty()) << parsed.problems[0].message;
  ASSERT_EQ(parsed.items.size(), 2u);
  EXPECT_EQ(parsed.ignored_columns, std::vector<std::string>{"price"});
  const auto& a = parsed.items[0];
  EXPECT_EQ(a.row, 2);
  EXPECT_EQ(a.product_name, "Aurora");
  EXPECT_FALSE(a.script) << "no script: one is suggested from the name";
  EXPECT_EQ(a.format.aspect, Aspect::kSquare) << "the batch's default";
  EXPECT_EQ(a.voice, "en-gb");
  EXPECT_TRUE(a.title);
  const auto& b = parsed.items[1];
  EXPECT_EQ(b.script.value_or(""), "Meet the lamp.");
  EXPECT_EQ(b.format.aspect, Aspect::kPortrait) << "the row wins over the default";
  EXPECT_EQ(b.format.height, 720);
}

TEST(BatchItem, EveryProblemIsReportedWithItsRowAndFieldAndNothingIsKept) {
  const std::string long_script(501, 'a');
  const auto parsed = parse_table(
      table("productId,productName,imageUrl,script,height,layout,captions\n"
            "ok-1,Fine,a.jpg,,,,\n"
            "bad id!,Name,b.jpg,,,,\n"
            ",,,,,,\n"  // blank: skipped
            ",,c.jpg,,,,\n"
            "x,Name,d.jpg," + long_script + ",999,sideways,maybe\n"),
      {});
  ASSERT_EQ(parsed.items.size(), 1u) << "only the good row passes";
  EXPECT_EQ(parsed.items[0].product_id, "ok-1");
  std::vector<std::tuple<int, std::string, std::string>> got;
  for (const auto& p : parsed.problems) {
    got.emplace_back(p.row, p.field, p.code);
    EXPECT_FALSE(p.message.empty());
  }
  const std::vector<std::tuple<int, std::string, std::string>> expected = {
      {3, "productId", "invalid_product_id"},
      {5, "script", "script_missing"},
      {6, "script", "script_too_long"},
      {6, "height", "invalid_height"},
      {6, "layout", "invalid_layout"},
      {6, "captions", "invalid_boolean"},
  };
  EXPECT_EQ(got, expected);
}

TEST(BatchItem, WholeBatchProblems) {
  EXPECT_EQ(parse_table(table("productName,imageUrl\n"), {}).problems.at(0).code, "batch_empty");
  EXPECT_EQ(parse_table(table("productName\nAurora\n"), {}).problems.at(0).code, "image_missing");
  std::string many = "productName,imageUrl\n";
  for (std::size_t i = 0; i <= kMaxBatchItems; ++i) many += "P,a.jpg\n";
  const auto big = parse_table(table(many), {});
  ASSERT_EQ(big.problems.size(), 1u);
  EXPECT_EQ(big.problems[0].code, "batch_too_large");
  EXPECT_NE(big.problems[0].message.find("1001"), std::string::npos);
  const auto extra = parse_table(table("productName,imageUrl\nA,a.jpg,oops\n"), {});
  EXPECT_EQ(extra.problems.at(0).code, "csv_extra_fields");
}

}  // namespace
}  // namespace pitchreel::batch
