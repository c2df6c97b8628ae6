#include "auth/principal_cache.h"

#include <gtest/gtest.h>

#include <map>

namespace pitchreel {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  std::chrono::steady_clock::time_point now{};
  std::map<std::string, Principal> database;
  int loads = 0;

  PrincipalCache::Clock clock() {
    return [this] { return now; };
  }
  PrincipalCache::Load load() {
    return [this](const std::string& credential) -> Result<std::optional<Principal>> {
      ++loads;
      if (credential == "broken") return fail(Error::unavailable("database_busy", "busy"));
      const auto it = database.find(credential);
      return it == database.end() ? std::nullopt : std::optional(it->second);
    };
  }
};

TEST(PrincipalCache, RemembersAFoundPrincipalForItsTtlOnly) {
  Fixture f;
  f.database["k1"] = Principal{"u1", "o1", Role::kAdmin};
  PrincipalCache cache(2000ms, 100, f.clock());
  for (int i = 0; i < 5; ++i) {
    auto p = cache.get("k1", f.load());
    ASSERT_TRUE(p && *p);
    EXPECT_EQ((*p)->user_id, "u1");
  }
  EXPECT_EQ(f.loads, 1);

  f.database["k1"].role = Role::kMember;  // changed in the database: seen once the entry expires
  f.now += 1999ms;
  EXPECT_EQ(cache.get("k1", f.load()).value()->role, Role::kAdmin);
  f.now += 2ms;
  EXPECT_EQ(cache.get("k1", f.load()).value()->role, Role::kMember);
  EXPECT_EQ(f.loads, 2);

  f.database.erase("k1");  // revoked: gone after the ttl
  f.now += 2001ms;
  EXPECT_FALSE(cache.get("k1", f.load()).value());
}

TEST(PrincipalCache, NeverRemembersMissesOrErrors) {
  Fixture f;
  PrincipalCache cache(60s, 100, f.clock());
  EXPECT_FALSE(cache.get("new", f.load()).value());
  f.database["new"] = Principal{"u2", "o1", Role::kOwner};  // a key created just now
  EXPECT_TRUE(cache.get("new", f.load()).value());
  EXPECT_FALSE(cache.get("broken", f.load()));
  EXPECT_FALSE(cache.get("broken", f.load()));
  EXPECT_EQ(f.loads, 4);
}

TEST(PrincipalCache, ClearAndCapacityForget) {
  Fixture f;
  for (int i = 0; i < 10; ++i)
    f.database["k" + std::to_string(i)] = Principal{"u", "o", Role::kAdmin};
  PrincipalCache cache(60s, 4, f.clock());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(cache.get("k" + std::to_string(i), f.load()));
  EXPECT_EQ(f.loads, 10);
  ASSERT_TRUE(cache.get("k9", f.load()));  // the newest survives the overflow
  EXPECT_EQ(f.loads, 10);
  cache.clear();
  ASSERT_TRUE(cache.get("k9", f.load()));
  EXPECT_EQ(f.loads, 11);
}

TEST(PrincipalCache, ZeroTtlDisablesIt) {
  Fixture f;
  f.database["k"] = Principal{"u", "o", Role::kAdmin};
  PrincipalCache cache(0ms, 10, f.clock());
  ASSERT_TRUE(cache.get("k", f.load()));
  ASSERT_TRUE(cache.get("k", f.load()));
  EXPECT_EQ(f.loads, 2);
}

}  // namespace
}  // namespace pitchreel
