#include "core/config.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace pitchreel {
namespace {

TEST(Config, DefaultsWithNoSources) {
  auto c = load_service_config({}, {}, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->rate_per_user_hour, 10);
  EXPECT_EQ(c->rate_per_org_day, 100);
  EXPECT_EQ(c->seed_wait_s, 120);
  EXPECT_EQ(c->jwt_audience, "authenticated");
}

TEST(Config, LaterSourcesWin) {
  testing::TempDir dir;
  testing::write_file(dir / "pitchreel.conf", "PITCHREEL_WORKERS=2\nPITCHREEL_QUEUE_LIMIT=7\n");
  testing::write_file(dir / ".env", "# seed settings\nexport PITCHREEL_WORKERS=\"3\"\nJWT_SECRET='s3cret'\n");
  auto c = load_service_config({{"PITCHREEL_QUEUE_LIMIT", "9"}, {"PITCHREEL_MAX_BODY_MB", "2"}},
                               dir / "pitchreel.conf", dir / ".env");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->workers, 3);       // .env over the file
  EXPECT_EQ(c->queue_limit, 9);   // environment over the file
  EXPECT_EQ(c->jwt_secret, "s3cret");  // alias
  EXPECT_EQ(c->max_body_bytes, 2u << 20);
}

TEST(Config, BadValuesNameTheSettingAndSourceButNeverASecret) {
  auto c = load_service_config({{"PITCHREEL_WORKERS", "many"}}, {}, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "config_invalid");
  EXPECT_NE(c.error().message.find("PITCHREEL_WORKERS"), std::string::npos);
  EXPECT_NE(c.error().message.find("the environment"), std::string::npos);
  auto missing = load_service_config({}, "/nonexistent/pitchreel.conf", {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/pitchreel.conf"), std::string::npos);
  auto bad_line = parse_env_file("JUSTAWORD\n", "x.env");
  ASSERT_FALSE(bad_line);
  EXPECT_NE(bad_line.error().message.find("line 1"), std::string::npos);
}

// x264's threading is lean unless the operator asks for x264's own (faster, more memory).
TEST(Config, X264ThreadingIsLeanOrFull) {
  auto lean = load_service_config({}, {}, {});
  ASSERT_TRUE(lean);
  EXPECT_FALSE(lean->full_x264_threading);
  auto full = load_service_config({{"PITCHREEL_X264_THREADING", "full"}}, {}, {});
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_TRUE(full->full_x264_threading);
  auto back = load_service_config({{"PITCHREEL_X264_THREADING", "lean"}}, {}, {});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_FALSE(back->full_x264_threading);
  auto bad = load_service_config({{"PITCHREEL_X264_THREADING", "fast"}}, {}, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "config_invalid");
  EXPECT_NE(bad.error().message.find("PITCHREEL_X264_THREADING"), std::string::npos);
  EXPECT_NE(bad.error().message.find("lean or full"), std::string::npos);
}

TEST(Config, EverySettingIsDocumented) {
  for (const auto& s : service_settings()) {
    EXPECT_FALSE(s.help.empty()) << s.name;
  }
}

}  // namespace
}  // namespace pitchreel
