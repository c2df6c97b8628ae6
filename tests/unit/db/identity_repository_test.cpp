// Organizations, users and API keys.
#include <gtest/gtest.h>

#include "db/api_key_repository.h"
#include "db/database.h"
#include "db/org_repository.h"
#include "db/user_repository.h"
#include "support/test_support.h"

namespace pitchreel::db {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_ / "pitchreel.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
  }
  Database& db() { return *db_; }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(IdentityTest, OrganizationRoundTrip) {
  auto org = orgs::create(db(), "Acme", 100);
  ASSERT_TRUE(org) << org.error().message;
  EXPECT_EQ(org->id.size(), 36u);
  EXPECT_EQ(org->name, "Acme");

  auto got = orgs::get(db(), org->id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->name, "Acme");
  EXPECT_EQ((*got)->created_at, 100);

  auto by_name = orgs::find_by_name(db(), "Acme");
  ASSERT_TRUE(by_name && *by_name);
  EXPECT_EQ((*by_name)->id, org->id);

  auto missing = orgs::find_by_name(db(), "Nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);

  auto dup = orgs::create(db(), "Acme", 101);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "organization_exists");
  EXPECT_EQ(orgs::create(db(), "", 1).error().code, "organization_name_empty");

  ASSERT_TRUE(orgs::create(db(), "Beta", 102));
  auto all = orgs::list(db());
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Acme");
  EXPECT_EQ((*all)[1].name, "Beta");
}

TEST_F(IdentityTest, UserRoundTrip) {
  auto org = orgs::create(db(), "Acme", 1);
  auto other = orgs::create(db(), "Beta", 1);
  ASSERT_TRUE(org && other);
  auto owner = users::create(db(), org->id, "o@acme.test", Role::kOwner, 10);
  ASSERT_TRUE(owner) << owner.error().message;
  auto member = users::create(db(), org->id, "m@acme.test", Role::kMember, 11,
                              "8d5a4f5e-0000-4000-8000-000000000001");
  ASSERT_TRUE(member) << member.error().message;
  EXPECT_EQ(member->id, "8d5a4f5e-0000-4000-8000-000000000001");
  ASSERT_TRUE(users::create(db(), other->id, "x@beta.test", Role::kAdmin, 12));

  auto got = users::get(db(), member->id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->email, "m@acme.test");
  EXPECT_EQ((*got)->role, Role::kMember);
  EXPECT_EQ((*got)->organization_id, org->id);

  auto listed = users::list(db(), org->id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, owner->id);

  EXPECT_EQ(users::create(db(), "no-such-org", "a@b.c", Role::kAdmin, 1).error().code,
            "organization_not_found");
  EXPECT_EQ(users::create(db(), org->id, "dup@acme.test", Role::kAdmin, 1, member->id).error().code,
            "user_exists");
  auto nobody = users::get(db(), "nobody");
  ASSERT_TRUE(nobody);
  EXPECT_FALSE(*nobody);
}

TEST_F(IdentityTest, ApiKeyLifecycle) {
  auto org = orgs::create(db(), "Acme", 1);
  ASSERT_TRUE(org);
  auto user = users::create(db(), org->id, "a@acme.test", Role::kAdmin, 1);
  ASSERT_TRUE(user);

  auto id = api_keys::store(db(), user->id, "pr_abcd", "hash-1", 50);
  ASSERT_TRUE(id) << id.error().message;

  auto match = api_keys::find_active_by_hash(db(), "hash-1");
  ASSERT_TRUE(match && *match);
  EXPECT_EQ((*match)->key_id, *id);
  EXPECT_EQ((*match)->principal.user_id, user->id);
  EXPECT_EQ((*match)->principal.organization_id, org->id);
  EXPECT_EQ((*match)->principal.role, Role::kAdmin);

  auto none = api_keys::find_active_by_hash(db(), "hash-2");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  EXPECT_EQ(api_keys::store(db(), user->id, "pr_dup", "hash-1", 51).error().code, "api_key_exists");
  EXPECT_EQ(api_keys::store(db(), "nobody", "pr_x", "hash-x", 51).error().code, "user_not_found");

  // touch is coarse: a second use within the granularity does not write.
  ASSERT_TRUE(api_keys::touch(db(), *id, 1000));
  ASSERT_TRUE(api_keys::touch(db(), *id, 1010));
  auto listed = api_keys::list_for_user(db(), user->id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].prefix, "pr_abcd");
  EXPECT_EQ((*listed)[0].last_used_at, 1000);
  EXPECT_EQ((*listed)[0].revoked_at, std::nullopt);
  ASSERT_TRUE(api_keys::touch(db(), *id, 1000 + api_keys::kTouchGranularitySeconds));
  EXPECT_EQ(api_keys::list_for_org(db(), org->id)->at(0).last_used_at,
            1000 + api_keys::kTouchGranularitySeconds);
}

TEST_F(IdentityTest, RevokedKeyIsNotFoundAndRevokeIsScopedToTheOrganization) {
  auto org = orgs::create(db(), "Acme", 1);
  auto other = orgs::create(db(), "Beta", 1);
  ASSERT_TRUE(org && other);
  auto user = users::create(db(), org->id, "a@acme.test", Role::kOwner, 1);
  ASSERT_TRUE(user);
  auto id = api_keys::store(db(), user->id, "pr_abcd", "hash-1", 50);
  ASSERT_TRUE(id);

  auto cross = api_keys::revoke(db(), *id, std::string_view(other->id), 60);
  ASSERT_TRUE(cross);
  EXPECT_FALSE(*cross);  // another tenant cannot revoke it
  ASSERT_TRUE(*api_keys::find_active_by_hash(db(), "hash-1"));

  auto revoked = api_keys::revoke(db(), *id, std::string_view(org->id), 61);
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(*revoked);
  auto again = api_keys::revoke(db(), *id, std::nullopt, 62);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);  // already revoked

  auto match = api_keys::find_active_by_hash(db(), "hash-1");
  ASSERT_TRUE(match);
  EXPECT_FALSE(*match);
  auto listed = api_keys::list_for_org(db(), org->id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].revoked_at, 61);
  EXPECT_TRUE(api_keys::list_for_org(db(), other->id)->empty());
}

}  // namespace
}  // namespace pitchreel::db
