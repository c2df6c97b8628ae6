// JWT sign-in through the shop's own profiles table (AUTH_PROFILES_TABLE), read in place
// on PostgreSQL: a real `pitchreel serve`, a real table shaped like Supabase's
// public.profiles with the shop's own column names, and HS256 tokens signed by the test.
// Roles and organisation isolation come from the shop's rows; pitchreel creates the
// organisations it has not seen; a role changed in the table takes effect within the 2 s
// cache; a wrong table or column stops the start with the reason.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <thread>

#include "db/database_url.h"
#include "db/pg_connection.h"
#include "support/pg_cluster.h"
#include "support/s3_server.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kSecret = "profiles-test-secret-with-enough-length-0123456789";
constexpr const char* kAdmin = "0b7c1e2a-1111-4a4a-8b8b-000000000001";
constexpr const char* kViewer = "0b7c1e2a-1111-4a4a-8b8b-000000000002";
constexpr const char* kOtherShop = "0b7c1e2a-1111-4a4a-8b8b-000000000003";
constexpr const char* kNoProfile = "0b7c1e2a-1111-4a4a-8b8b-000000000009";

std::string token_for(const std::string& sub) {
  const auto now = testing::unix_time_now();
  return testing::make_hs256_jwt({{"alg", "HS256"}, {"typ", "JWT"}},
                                 {{"sub", sub}, {"aud", "authenticated"},
                                  {"role", "authenticated"}, {"iat", now - 10},
                                  {"exp", now + 600}},
                                 kSecret);
}

int status_of(const httplib::Result& r) { return r ? r->status : -1; }

class ServeProfiles : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = testing::shared_pg_cluster();
    if (!pg.ready()) GTEST_SKIP() << "no PostgreSQL test cluster: " << pg.error();
    url_ = pg.url();
    shop_schema_ = testing::fresh_schema();
    auto conn = db::PgConnection::connect(db::parse_database_url(url_).value(), "public");
    ASSERT_TRUE(conn) << conn.error().message;
    conn_ = std::make_unique<db::PgConnection>(std::move(*conn));
    sql("CREATE SCHEMA " + shop_schema_ + "; CREATE TABLE " + shop_schema_ +
        ".profiles (id uuid PRIMARY KEY, shop_id uuid, app_role text, email text);"
        "INSERT INTO " + shop_schema_ + ".profiles VALUES "
        "('" + kAdmin + "', '11111111-2222-4333-8444-555555555555', 'admin', 'a@shop'),"
        "('" + kViewer + "', '11111111-2222-4333-8444-555555555555', 'viewer', 'v@shop'),"
        "('" + kOtherShop + "', '99999999-2222-4333-8444-555555555555', 'Owner', 'o@other')");
  }
  void sql(const std::string& text) { ASSERT_TRUE(conn_->exec(text, "test")) << text; }

  std::map<std::string, std::string> env(const std::string& table, const std::string& role_column) {
    return {{"DATABASE_URL", url_},
            {"PITCHREEL_DB_SCHEMA", testing::fresh_schema()},
            {"PITCHREEL_SINGLE_NODE", "true"},
            {"PITCHREEL_ROLE", "api"},
            {"SUPABASE_JWT_SECRET", kSecret},
            {"AUTH_PROFILES_TABLE", table},
            {"AUTH_PROFILES_ORG_COLUMN", "shop_id"},
            {"AUTH_PROFILES_ROLE_COLUMN", role_column}};
  }

  std::string url_;
  std::string shop_schema_;
  std::unique_ptr<db::PgConnection> conn_;
};

TEST_F(ServeProfiles, RolesAndOrganisationsComeFromTheShopsProfiles) {
  TempDir tmp;
  auto settings = env(shop_schema_ + ".profiles", "app_role");
  const std::string schema = settings["PITCHREEL_DB_SCHEMA"];
  ServerProcess server(ServerOptions(tmp / "data", settings));
  ASSERT_SERVER_READY(server);

  auto admin = server.client(token_for(kAdmin));
  auto viewer = server.client(token_for(kViewer));
  auto other = server.client(token_for(kOtherShop));
  EXPECT_EQ(status_of(server.client(token_for(kNoProfile)).Get("/api/v1/videos")), 401);

  // The admin may generate: the job is created in the shop's organisation.
  auto posted = admin.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                             {{"script", "Cold drinks all day."},
                                                              {"height", "720"}}));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body << server.diagnostics();
  const std::string job_id = testing::json_body(posted).value("id", "");
  // A viewer of the same shop sees it but may not generate; another shop does not see it.
  EXPECT_EQ(status_of(viewer.Get("/api/v1/jobs/" + job_id)), 200);
  auto refused = viewer.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                               {{"script", "No."}}));
  EXPECT_EQ(status_of(refused), 403);
  EXPECT_EQ(status_of(other.Get("/api/v1/jobs/" + job_id)), 404);
  EXPECT_EQ(status_of(other.Get("/api/v1/videos")), 200) << "an owner of a new organisation";

  // pitchreel created one organisation per shop id it met, named after it.
  const auto orgs = testing::run_command(
      {PITCHREEL_BINARY, "admin", "--data-dir", (tmp / "data").string(), "org", "list", "--json"},
      {"DATABASE_URL=" + url_, "PITCHREEL_DB_SCHEMA=" + schema});
  ASSERT_EQ(orgs.exit_code, 0) << orgs.err;
  EXPECT_NE(orgs.out.find("11111111-2222-4333-8444-555555555555"), std::string::npos) << orgs.out;
  EXPECT_NE(orgs.out.find("99999999-2222-4333-8444-555555555555"), std::string::npos) << orgs.out;

  // The shop promotes the viewer: within the 2 s cache it may generate.
  sql("UPDATE " + shop_schema_ + ".profiles SET app_role = 'owner' WHERE id = '" + kViewer + "'");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = viewer.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                           {{"script", "Now allowed."},
                                                            {"height", "720"}}));
    status = status_of(r);
    if (status == 202) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 202);
  // And deleting the profile signs the user out, within the cache time.
  sql("DELETE FROM " + shop_schema_ + ".profiles WHERE id = '" + kAdmin + "'");
  const auto gone = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < gone && status_of(admin.Get("/api/v1/videos")) != 401) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status_of(admin.Get("/api/v1/videos")), 401);
  EXPECT_EQ(server.terminate(), 0);
}

// The shop moves a user to another shop in its profiles table: at their next sign-in (within
// the 2 s cache) they see the new shop's organisation and not the old one's jobs, what they
// made stays with the old shop, and the API key issued to them for the old shop stops working.
TEST_F(ServeProfiles, AUserMovedToAnotherShopFollowsTheirProfile) {
  TempDir tmp;
  auto settings = env(shop_schema_ + ".profiles", "app_role");
  const std::string schema = settings["PITCHREEL_DB_SCHEMA"];
  ServerProcess server(ServerOptions(tmp / "data", settings));
  ASSERT_SERVER_READY(server);
  auto admin = server.client(token_for(kAdmin));
  auto owner = server.client(token_for(kOtherShop));

  auto posted = admin.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                             {{"script", "Cold drinks all day."},
                                                              {"height", "720"}}));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body << server.diagnostics();
  const std::string job_id = testing::json_body(posted).value("id", "");
  const auto me = [](httplib::Client& c) { return testing::json_body(c.Get("/api/v1/me")); };
  const std::string old_org = me(admin).value("organizationId", "");
  const std::string new_org = me(owner).value("organizationId", "");
  ASSERT_FALSE(old_org.empty());
  ASSERT_FALSE(new_org.empty());
  ASSERT_NE(old_org, new_org);

  // An API key of the admin's, made for the old shop.
  const auto key = testing::run_command({PITCHREEL_BINARY, "admin", "--data-dir",
                                         (tmp / "data").string(), "--json", "key", "create",
                                         "--user", kAdmin},
                                        {"DATABASE_URL=" + url_, "PITCHREEL_DB_SCHEMA=" + schema});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  auto by_key = server.client(nlohmann::json::parse(key.out).value("apiKey", ""));
  EXPECT_EQ(status_of(by_key.Get("/api/v1/jobs/" + job_id)), 200);

  sql("UPDATE " + shop_schema_ + ".profiles SET shop_id = '99999999-2222-4333-8444-555555555555' "
      "WHERE id = '" + kAdmin + "'");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         me(admin).value("organizationId", "") != new_org) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(me(admin).value("organizationId", ""), new_org);
  EXPECT_EQ(status_of(admin.Get("/api/v1/jobs/" + job_id)), 404) << "the old shop's job";
  EXPECT_EQ(status_of(owner.Get("/api/v1/jobs/" + job_id)), 404) << "stays with the old shop";
  EXPECT_EQ(status_of(server.client(token_for(kViewer)).Get("/api/v1/jobs/" + job_id)), 200)
      << "the old shop still has it";
  // The key was revoked with the move (the key cache holds a key for at most 2 s).
  const auto revoked = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < revoked &&
         status_of(by_key.Get("/api/v1/videos")) != 401) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status_of(by_key.Get("/api/v1/videos")), 401);
  // In the new shop the moved admin may generate.
  auto again = admin.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                            {{"script", "New shop."},
                                                             {"height", "720"}}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202) << again->body;
  EXPECT_EQ(status_of(owner.Get("/api/v1/jobs/" + testing::json_body(again).value("id", ""))), 200);
  EXPECT_TRUE(server.wait_for_log("user moved to the profile's organisation"));
  EXPECT_EQ(server.terminate(), 0);
}

// An event stream outlives no user: when the shop deletes a profile, that user's open streams
// end (an "error" event, then the end) within the re-check interval and the 2 s cache, while
// a colleague's stream on the same job goes on.
TEST_F(ServeProfiles, ADeletedProfileEndsItsOpenEventStreams) {
  TempDir tmp;
  auto settings = env(shop_schema_ + ".profiles", "app_role");
  settings["PITCHREEL_HTTP_STREAM_RECHECK_S"] = "1";
  ServerProcess server(ServerOptions(tmp / "data", settings));
  ASSERT_SERVER_READY(server);
  // An API-only node: the job stays queued, so its streams stay open.
  auto posted = server.client(token_for(kAdmin))
                    .Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                            {{"script", "Still queued."}}));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 202) << posted->body;
  const std::string id = testing::json_body(posted).value("id", "");

  struct Watch {
    std::mutex mutex;
    std::string received;
    bool ended = false;
    std::thread thread;
    std::string text() {
      std::lock_guard lock(mutex);
      return received;
    }
    bool done() {
      std::lock_guard lock(mutex);
      return ended;
    }
  };
  auto open = [&](const std::string& sub, Watch& watch) {
    watch.thread = std::thread([&server, &watch, id, token = token_for(sub)] {
      auto client = server.client(token);
      client.set_read_timeout(std::chrono::seconds(300));
      client.Get("/api/v1/jobs/" + id + "/events", [&](const char* data, std::size_t n) {
        std::lock_guard lock(watch.mutex);
        watch.received.append(data, n);
        return true;
      });
      std::lock_guard lock(watch.mutex);
      watch.ended = true;
    });
  };
  auto wait_until = [](auto condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval
    }
    return condition();
  };
  Watch leaver, colleague;
  open(kAdmin, leaver);
  open(kViewer, colleague);
  EXPECT_TRUE(wait_until([&] {
    return leaver.text().find("event: job") != std::string::npos &&
           colleague.text().find("event: job") != std::string::npos;
  })) << leaver.text() << colleague.text();

  sql("DELETE FROM " + shop_schema_ + ".profiles WHERE id = '" + kAdmin + "'");
  EXPECT_TRUE(wait_until([&] { return leaver.done(); })) << "the deleted user's stream is still open";
  EXPECT_NE(leaver.text().find("event: error"), std::string::npos) << leaver.text();
  EXPECT_NE(leaver.text().find("\"code\":\"unauthorized\""), std::string::npos) << leaver.text();
  EXPECT_FALSE(colleague.done()) << colleague.text();
  EXPECT_EQ(colleague.text().find("event: error"), std::string::npos) << colleague.text();

  EXPECT_EQ(server.terminate(), 0);
  leaver.thread.join();
  colleague.thread.join();
}

TEST_F(ServeProfiles, AMissingTableOrColumnStopsTheStartWithTheReason) {
  TempDir tmp;
  ServerProcess no_table(
      ServerOptions(tmp / "a", env(shop_schema_ + ".profile", "app_role")));
  EXPECT_FALSE(no_table.ready());
  const auto said = no_table.stderr_text() + no_table.stdout_text();
  EXPECT_NE(said.find("auth_profiles_table_missing"), std::string::npos) << said;
  EXPECT_EQ(said.find(testing::shared_pg_cluster().password()), std::string::npos) << said;

  ServerProcess no_column(ServerOptions(tmp / "b", env(shop_schema_ + ".profiles", "role")));
  EXPECT_FALSE(no_column.ready());
  const auto column = no_column.stderr_text() + no_column.stdout_text();
  EXPECT_NE(column.find("auth_profiles_column_missing"), std::string::npos) << column;
  EXPECT_NE(column.find("AUTH_PROFILES_ROLE_COLUMN"), std::string::npos) << column;

  // Without PostgreSQL there is no shop table to read.
  ServerProcess sqlite(ServerOptions(tmp / "c", {{"AUTH_PROFILES_TABLE", "public.profiles"}}));
  EXPECT_FALSE(sqlite.ready());
  EXPECT_NE((sqlite.stderr_text() + sqlite.stdout_text()).find("auth_profiles_need_postgres"),
            std::string::npos);
}

}  // namespace
}  // namespace pitchreel
