// End to end: the real `pitchreel admin` binary against a fresh data directory.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::read_file;
using testing::run_pitchreel;
using testing::TempDir;

// Runs `pitchreel admin --data-dir DIR <args...>`.
testing::CommandResult admin(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"admin", "--data-dir", (dir / "data").string()});
  return run_pitchreel(args);
}

// Runs an admin command that must succeed and parses its --json output.
json admin_json(const TempDir& dir, std::vector<std::string> args) {
  args.push_back("--json");
  auto r = admin(dir, args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

json create_user(const TempDir& dir, const std::string& org, const std::string& email,
                 std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"user", "create", "--org", org, "--email", email,
                                   "--role", "admin"};
  args.insert(args.end(), extra.begin(), extra.end());
  return admin_json(dir, args);
}

TEST(AdminCli, UserCreatePrintsIdsAndAKeyOnce) {
  TempDir dir;
  auto out = create_user(dir, "Acme", "ann@acme.test");
  ASSERT_TRUE(out.is_object()) << out;
  EXPECT_TRUE(out["organizationId"].is_string());
  EXPECT_TRUE(out["userId"].is_string());
  ASSERT_TRUE(out["apiKey"].is_string());
  EXPECT_TRUE(out["apiKey"].get<std::string>().starts_with("prk_"));
}

TEST(AdminCli, UserCreateReusesAnOrganizationByName) {
  TempDir dir;
  auto first = create_user(dir, "Acme", "ann@acme.test");
  auto second = create_user(dir, "Acme", "bob@acme.test");
  auto other = create_user(dir, "Globex", "cat@globex.test");
  EXPECT_EQ(first["organizationId"], second["organizationId"]);
  EXPECT_NE(first["userId"], second["userId"]);
  EXPECT_NE(first["organizationId"], other["organizationId"]);

  auto users = admin_json(dir, {"user", "list", "--org", "Acme"});
  ASSERT_TRUE(users.is_array());
  EXPECT_EQ(users.size(), 2u);
}

TEST(AdminCli, UserCreateHonoursIdAndRefusesItTwice) {
  TempDir dir;
  const std::string id = "123e4567-e89b-12d3-a456-426614174000";
  auto out = create_user(dir, "Acme", "ann@acme.test", {"--id", id});
  EXPECT_EQ(out["userId"], id);

  auto again = admin(dir, {"user", "create", "--org", "Acme", "--email", "x@acme.test", "--role",
                           "member", "--id", id});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("error[user_exists]"), std::string::npos) << again.err;
}

TEST(AdminCli, InvalidInputExitsWithTwo) {
  TempDir dir;
  auto role = admin(dir, {"user", "create", "--org", "Acme", "--email", "a@acme.test", "--role",
                          "superuser"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("error[invalid_role]"), std::string::npos) << role.err;

  auto id = admin(dir, {"user", "create", "--org", "Acme", "--email", "a@acme.test", "--role",
                        "member", "--id", "not-a-uuid"});
  EXPECT_EQ(id.exit_code, 2);
  EXPECT_NE(id.err.find("error[invalid_user_id]"), std::string::npos) << id.err;

  auto org = admin(dir, {"key", "list", "--org", "Nobody"});
  EXPECT_EQ(org.exit_code, 2);
  EXPECT_NE(org.err.find("error[org_not_found]"), std::string::npos) << org.err;

  // Nothing was half-made by the refused calls.
  auto orgs = admin_json(dir, {"org", "list"});
  EXPECT_TRUE(orgs.empty()) << orgs;
}

TEST(AdminCli, OrgCreateAndList) {
  TempDir dir;
  auto created = admin_json(dir, {"org", "create", "--name", "Initech"});
  auto orgs = admin_json(dir, {"org", "list"});
  ASSERT_TRUE(orgs.is_array());
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0]["name"], "Initech");
  EXPECT_EQ(orgs[0]["id"], created["id"]);

  auto text = admin(dir, {"org", "list"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("Initech"), std::string::npos) << text.out;
}

TEST(AdminCli, KeyCreateListRevokeRoundTrip) {
  TempDir dir;
  auto user = create_user(dir, "Acme", "ann@acme.test");
  const std::string user_id = user["userId"];
  auto key = admin_json(dir, {"key", "create", "--user", user_id});
  const std::string key_id = key["keyId"];
  const std::string api_key = key["apiKey"];
  EXPECT_TRUE(api_key.starts_with("prk_"));

  auto keys = admin_json(dir, {"key", "list", "--org", "Acme"});
  ASSERT_EQ(keys.size(), 2u);  // the one from `user create` and this one
  for (const auto& k : keys) {
    EXPECT_FALSE(k.contains("apiKey"));
    EXPECT_FALSE(k.contains("hash"));
    EXPECT_TRUE(k["revokedAt"].is_null());
    EXPECT_EQ(k["userId"], user_id);
  }

  auto revoked = admin_json(dir, {"key", "revoke", "--id", key_id});
  EXPECT_EQ(revoked["revoked"], true);

  keys = admin_json(dir, {"key", "list", "--org", "Acme"});
  int revoked_count = 0;
  for (const auto& k : keys) {
    if (k["id"] == key_id) {
      EXPECT_TRUE(k["revokedAt"].is_number()) << k;
      ++revoked_count;
    } else {
      EXPECT_TRUE(k["revokedAt"].is_null()) << k;
    }
  }
  EXPECT_EQ(revoked_count, 1);

  // The text table shows the prefix, never the key.
  auto text = admin(dir, {"key", "list", "--org", "Acme"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find(api_key.substr(0, 12)), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find(api_key), std::string::npos) << text.out;

  auto twice = admin(dir, {"key", "revoke", "--id", key_id});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("error[key_not_found]"), std::string::npos) << twice.err;

  auto no_user = admin(dir, {"key", "create", "--user", "no-such-user"});
  EXPECT_EQ(no_user.exit_code, 2);
}

TEST(AdminCli, DatabaseNeverHoldsThePlaintextKey) {
  TempDir dir;
  const std::string api_key = create_user(dir, "Acme", "ann@acme.test")["apiKey"];
  ASSERT_FALSE(api_key.empty());
  // Every file of the data directory, including any WAL left beside the database.
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "data")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(read_file(entry.path()).find(api_key), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 1);
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "pitchreel.db"));
}

}  // namespace
}  // namespace pitchreel
