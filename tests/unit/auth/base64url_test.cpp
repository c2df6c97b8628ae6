#include "auth/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace pitchreel {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // url-safe alphabet, not + and /
  EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    const auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded) << n;
    EXPECT_EQ(*decoded, bytes);
    bytes += static_cast<char>((n * 97 + 13) & 0xFF);
  }
}

TEST(Base64Url, RefusesJunk) {
  for (const char* junk : {"Zg==", "Zm8=", "Zm9v+w", "Zm9v/w", "Zm 9v", "Zm9v\n", "Z", "Zm9vY",
                           "Zh",  // non-zero unused bits: a second spelling of "f"
                           "Zm9", "Zm\x80v", "Zm.v"}) {
    EXPECT_FALSE(base64url_decode(junk)) << junk;
  }
  EXPECT_EQ(base64url_decode(""), "");
}

}  // namespace
}  // namespace pitchreel
