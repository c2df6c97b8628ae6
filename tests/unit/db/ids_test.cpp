#include "db/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "db/page_cursor.h"

namespace pitchreel::db {
namespace {

TEST(Ids, NewUuidIsAVersion4Uuid) {
  const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_uuid();
    EXPECT_TRUE(std::regex_match(id, form)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(PageCursor, RoundTrips) {
  for (const PageCursor& c : {PageCursor{0, "a"}, PageCursor{1700000000, new_uuid()},
                              PageCursor{-5, "x:y"}, PageCursor{42, "ab"}}) {
    const std::string text = encode_cursor(c);
    EXPECT_EQ(
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto back = decode_cursor(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back->created_at, c.created_at);
    EXPECT_EQ(back->id, c.id);
  }
}

TEST(PageCursor, RejectsGarbage) {
  for (std::string_view bad : {"", "!!!", "bm9jb2xvbg", "YWJj", "OjEyMw"}) {
    auto r = decode_cursor(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_cursor");
  }
}

}  // namespace
}  // namespace pitchreel::db
