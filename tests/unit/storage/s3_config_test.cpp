// Storage settings: STORAGE, the S3_* names and the seed's R2 names as aliases.
#include "storage/s3_config.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace pitchreel {
namespace {

TEST(S3Config, SeedR2EnvironmentWorksAsIs) {
  testing::TempDir dir;
  testing::write_file(
      dir / ".env",
      "STORAGE=s3\nR2_ACCOUNT_ID=0123456789abcdef0123456789abcdef\n"
      "R2_BUCKET_NAME=shop-media\nR2_ACCESS_KEY_ID=AKID\nR2_SECRET_ACCESS_KEY=SECRET\n"
      "NEXT_PUBLIC_R2_PUBLIC_URL=https://media.example.com\n");
  auto config = load_service_config({}, {}, dir / ".env");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->storage, "s3");
  auto s = s3_settings_from(*config);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->endpoint, "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
  EXPECT_EQ(s->region, "auto");
  EXPECT_EQ(s->bucket, "shop-media");
  EXPECT_EQ(s->access_key_id, "AKID");
  EXPECT_EQ(s->secret_access_key, "SECRET");
  EXPECT_EQ(s->public_base_url, "https://media.example.com");
  EXPECT_TRUE(s->force_path_style);
  EXPECT_EQ(s->part_size, 8u << 20);
}

TEST(S3Config, S3NamesWinOverAliasesAndDefaultsAreLocal) {
  auto local = load_service_config({}, {}, {});
  ASSERT_TRUE(local);
  EXPECT_EQ(local->storage, "local");
  auto config = load_service_config({{"STORAGE", "s3"},
                                     {"S3_ENDPOINT", "http://127.0.0.1:9000"},
                                     {"R2_ACCOUNT_ID", "ignored"},
                                     {"S3_BUCKET", "main"},
                                     {"R2_BUCKET_NAME", "alias"},
                                     {"S3_REGION", "eu-west-1"},
                                     {"S3_FORCE_PATH_STYLE", "false"},
                                     {"S3_URL_EXPIRY_S", "600"},
                                     {"S3_PART_SIZE_MB", "16"}},
                                    {}, {});
  ASSERT_TRUE(config) << config.error().message;
  auto s = s3_settings_from(*config);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s->bucket, "main");
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_FALSE(s->force_path_style);
  EXPECT_EQ(s->part_size, 16u << 20);
  EXPECT_EQ(config->url_expiry_s, 600);
}

TEST(S3Config, BadValuesAreRefused) {
  auto storage = load_service_config({{"STORAGE", "ftp"}}, {}, {});
  ASSERT_FALSE(storage);
  EXPECT_NE(storage.error().message.find("STORAGE"), std::string::npos);
  EXPECT_FALSE(load_service_config({{"S3_PART_SIZE_MB", "1"}}, {}, {}));
  auto secret = load_service_config({{"S3_SECRET_ACCESS_KEY", "x"}, {"S3_TIMEOUT_S", "0"}}, {}, {});
  ASSERT_FALSE(secret);
  auto config = load_service_config({{"R2_ACCOUNT_ID", "evil.example.com/x"}}, {}, {});
  ASSERT_TRUE(config);
  auto s = s3_settings_from(*config);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("R2_ACCOUNT_ID"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
