// A shop's own profiles table, read in place on the private PostgreSQL cluster: start-up
// checks of the table and its columns, and lookups by the id column's own type.
#include "db/pg_profiles.h"

#include <gtest/gtest.h>

#include "db/pg_connection.h"
#include "support/pg_cluster.h"

namespace pitchreel::db {
namespace {

constexpr const char* kAlice = "5b1f2c4e-8d3a-4b6f-9e21-7c0d5a4b3e10";

class PgProfilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = testing::shared_pg_cluster();
    if (!cluster.ready()) GTEST_SKIP() << "no PostgreSQL test cluster: " << cluster.error();
    target_ = parse_database_url(cluster.url()).value();
    schema_ = testing::fresh_schema();
    auto conn = PgConnection::connect(target_, "public");
    ASSERT_TRUE(conn) << conn.error().message;
    // Shaped like Supabase's public.profiles: a uuid key, the shop's own column names.
    ASSERT_TRUE(conn->exec("CREATE SCHEMA " + schema_ + "; CREATE TABLE " + schema_ +
                               ".profiles (id uuid PRIMARY KEY, shop_id text, user_role text, "
                               "full_name text); INSERT INTO " + schema_ +
                               ".profiles VALUES ('" + kAlice + "', 'shop-a', 'Admin', 'Alice')",
                           "test set-up"));
  }
  ProfilesTableSpec spec() const { return {schema_ + ".profiles", "id", "shop_id", "user_role"}; }

  DatabaseTarget target_;
  std::string schema_;
};

TEST_F(PgProfilesTest, FindsAProfileByItsUuidAndNothingForOthers) {
  auto profiles = PgProfiles::open(target_, spec());
  ASSERT_TRUE(profiles) << profiles.error().message;
  auto alice = (*profiles)->find(kAlice);
  ASSERT_TRUE(alice) << alice.error().message;
  ASSERT_TRUE(*alice);
  EXPECT_EQ((*alice)->organization, "shop-a");
  EXPECT_EQ((*alice)->role, "Admin");
  EXPECT_FALSE((*profiles)->find("00000000-0000-0000-0000-000000000001").value());
  // Not a UUID: no match, and no cast error from the server.
  auto odd = (*profiles)->find("not-a-uuid'; DROP TABLE x; --");
  ASSERT_TRUE(odd) << odd.error().message;
  EXPECT_FALSE(*odd);
}

TEST_F(PgProfilesTest, AMissingTableOrColumnOrABadNameRefusesTheStart) {
  auto spec_missing = spec();
  spec_missing.table = schema_ + ".nobody_here";
  auto missing = PgProfiles::open(target_, spec_missing);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "auth_profiles_table_missing");
  EXPECT_NE(missing.error().message.find("nobody_here"), std::string::npos);
  EXPECT_EQ(missing.error().message.find(testing::shared_pg_cluster().password()), std::string::npos);

  auto spec_column = spec();
  spec_column.role_column = "role";
  auto column = PgProfiles::open(target_, spec_column);
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code, "auth_profiles_column_missing");
  EXPECT_NE(column.error().message.find("AUTH_PROFILES_ROLE_COLUMN"), std::string::npos);
  EXPECT_NE(column.error().message.find("user_role"), std::string::npos) << "lists the columns";

  auto spec_bad = spec();
  spec_bad.organization_column = "shop_id\"; --";
  auto bad = PgProfiles::open(target_, spec_bad);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "auth_profiles_table_invalid");
}

TEST_F(PgProfilesTest, TextIdsAreComparedAsText) {
  auto conn = PgConnection::connect(target_, "public");
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE " + schema_ +
                             ".members (member text PRIMARY KEY, org text, kind text); "
                             "INSERT INTO " + schema_ + ".members VALUES ('auth0|42', 'o1', NULL)",
                         "test set-up"));
  auto profiles = PgProfiles::open(target_, {schema_ + ".members", "member", "org", "kind"});
  ASSERT_TRUE(profiles) << profiles.error().message;
  auto found = (*profiles)->find("auth0|42");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->organization, "o1");
  EXPECT_EQ((*found)->role, "") << "NULL reads as empty";
}

}  // namespace
}  // namespace pitchreel::db
