#include "batch/csv_table.h"

#include <gtest/gtest.h>

namespace pitchreel::batch {
namespace {

TEST(CsvTable, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  const auto table = parse_csv(
      "\xEF\xBB\xBFproductName,productDescription,imageUrl\r\n"
      "\"Aurora, the bottle\",\"Keeps \"\"cold\"\"\nfor 24 h\",a.jpg\r\n"
      "\r\n"
      "Lamp,,b.png\n");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->header, (std::vector<std::string>{"productName", "productDescription", "imageUrl"}));
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].line, 2);
  EXPECT_EQ(table->rows[0].fields,
            (std::vector<std::string>{"Aurora, the bottle", "Keeps \"cold\"\nfor 24 h", "a.jpg"}));
  EXPECT_EQ(table->rows[1].line, 3) << "an empty line is no record";
  EXPECT_EQ(table->rows[1].fields, (std::vector<std::string>{"Lamp", "", "b.png"}));
}

TEST(CsvTable, AnOpenQuoteIsMalformedWithItsRow) {
  const auto table = parse_csv("productName,imageUrl\nok,a.jpg\n\"never closed,b.jpg\n");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code, "csv_malformed");
  EXPECT_NE(table.error().message.find("row 3"), std::string::npos) << table.error().message;
}

TEST(CsvTable, EmptyAndNonUtf8AreRefused) {
  EXPECT_EQ(parse_csv("").error().code, "csv_empty");
  EXPECT_EQ(parse_csv("\n\n").error().code, "csv_empty");
  const auto latin1 = parse_csv("productName,imageUrl\nCaf\xE9,a.jpg\n");
  ASSERT_FALSE(latin1);
  EXPECT_EQ(latin1.error().code, "csv_not_utf8");
  EXPECT_NE(latin1.error().message.find("Row 2"), std::string::npos);
}

TEST(CsvTable, LinesRoundTripThroughTheReader) {
  const std::vector<std::string> fields = {"plain", "with, comma", "with \"quotes\"", "two\nlines", ""};
  const auto table = parse_csv("a,b,c,d,e\n" + csv_line(fields) + "\n");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->rows[0].fields, fields);
  EXPECT_EQ(csv_line({"a", "b"}), "a,b");
}

// Found by the fuzzer: the reader trims unquoted fields, so padded ones must be quoted.
TEST(CsvTable, PaddedFieldsRoundTrip) {
  const std::vector<std::string> fields = {"Say ", " hi", "\ttab", "x"};
  EXPECT_EQ(csv_line(fields), "\"Say \",\" hi\",\"\ttab\",x");
  const auto table = parse_csv("a,b,c,d\n" + csv_line(fields) + "\n");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->rows[0].fields, fields);
}

}  // namespace
}  // namespace pitchreel::batch
