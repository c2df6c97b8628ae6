// End to end against the real `pitchreel serve`: who may do what. API keys by role,
// organisations kept apart (another tenant's ids answer 404, never 403), and Supabase
// HS256 JWTs: valid, expired, unsigned (alg none) and signed with another secret.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <nlohmann/json.hpp>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kJwtSecret = "test-supabase-jwt-secret-0123456789abcde";  // 40 characters
constexpr const char* kJwtUser = "7d3e6c1a-52b4-4f0e-9a61-0c8b2f4e9d17";

int status_of(const httplib::Result& res) { return res ? res->status : -1; }

TEST(ServeAuth, RolesOrganisationsAndJwts) {
  static_assert(std::char_traits<char>::length(kJwtSecret) == 40);
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data", {{"SUPABASE_JWT_SECRET", kJwtSecret}}));
  ASSERT_SERVER_READY(server);
  const auto data = server.data_dir();

  // No token, a malformed header, a token that is neither key nor JWT.
  EXPECT_EQ(status_of(server.anonymous_client().Get("/api/v1/videos")), 401);
  EXPECT_EQ(status_of(server.client("garbage").Get("/api/v1/videos")), 401);
  EXPECT_EQ(status_of(server.client("prk_notarealkey0000000000000000000000").Get("/api/v1/videos")), 401);
  {
    auto basic = server.anonymous_client();
    auto res = basic.Get("/api/v1/videos", {{"Authorization", "Basic dXNlcjpwYXNz"}});
    EXPECT_EQ(status_of(res), 401);
    if (res) {
      EXPECT_EQ(testing::json_body(res)["code"], "unauthorized") << res->body;
    }
  }

  // Org A's owner (the first-run key) makes a video.
  auto owner = server.client();
  auto submitted = owner.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(),
                                                                {{"script", "Fresh coffee, every morning."},
                                                                 {"height", "720"},
                                                                 {"captions", "false"}}));
  ASSERT_EQ(status_of(submitted), 202) << (submitted ? submitted->body : "");
  const std::string job_id = testing::json_body(submitted)["id"];

  // Users made with the admin CLI while the server runs (WAL lets both write).
  const auto member = testing::admin_json(data, {"user", "create", "--org", "default", "--email", "member@a.test",
                                                 "--role", "member"});
  const auto stranger = testing::admin_json(data, {"user", "create", "--org", "other", "--email", "owner@b.test",
                                                   "--role", "owner"});
  const auto jwt_user = testing::admin_json(data, {"user", "create", "--org", "default", "--email", "jwt@a.test",
                                                   "--role", "admin", "--id", kJwtUser});
  ASSERT_TRUE(member.is_object() && stranger.is_object() && jwt_user.is_object());
  EXPECT_EQ(jwt_user["userId"], kJwtUser);
  EXPECT_NE(stranger["organizationId"], member["organizationId"]);

  const auto done = testing::wait_for_job(owner, job_id, {"succeeded", "failed"});
  ASSERT_EQ(done["status"], "succeeded") << done.dump();
  const std::string video_id = done["video"]["id"];

  // A member reads but cannot generate or delete.
  auto as_member = server.client(member["apiKey"].get<std::string>());
  auto denied = as_member.Post("/api/v1/jobs", testing::job_form(testing::product_jpeg(320, 240),
                                                                 {{"script", "Should not run."}, {"height", "720"}}));
  EXPECT_EQ(status_of(denied), 403) << (denied ? denied->body : "");
  if (denied) {
    EXPECT_EQ(testing::json_body(denied)["code"], "forbidden");
  }
  auto seed_denied = as_member.Post("/api/generate-video",
                                    testing::job_form(testing::product_jpeg(320, 240), {{"script", "Should not run."}}));
  EXPECT_EQ(status_of(seed_denied), 403);
  auto member_list = as_member.Get("/api/v1/videos");
  ASSERT_EQ(status_of(member_list), 200);
  EXPECT_EQ(testing::json_body(member_list)["videos"].size(), 1u);
  EXPECT_EQ(status_of(as_member.Get("/api/v1/jobs/" + job_id)), 200);
  EXPECT_EQ(status_of(as_member.Delete("/api/v1/videos/" + video_id)), 403);

  // Another organisation sees nothing of org A: 404, not 403.
  auto as_stranger = server.client(stranger["apiKey"].get<std::string>());
  EXPECT_EQ(status_of(as_stranger.Get("/api/v1/jobs/" + job_id)), 404);
  EXPECT_EQ(status_of(as_stranger.Get("/api/v1/jobs/" + job_id + "/events")), 404);
  EXPECT_EQ(status_of(as_stranger.Post("/api/v1/jobs/" + job_id + "/cancel", "", "application/json")), 404);
  EXPECT_EQ(status_of(as_stranger.Get("/api/v1/videos/" + video_id)), 404);
  EXPECT_EQ(status_of(as_stranger.Delete("/api/v1/videos/" + video_id)), 404);
  auto stranger_list = as_stranger.Get("/api/v1/videos");
  ASSERT_EQ(status_of(stranger_list), 200);
  EXPECT_TRUE(testing::json_body(stranger_list)["videos"].empty()) << stranger_list->body;
  EXPECT_EQ(status_of(owner.Get("/api/v1/videos/" + video_id)), 200) << "the stranger's DELETE must not remove it";

  // JWTs for the user made with --id.
  const auto now = testing::unix_time_now();
  const json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
  const json claims = {{"sub", kJwtUser}, {"aud", "authenticated"}, {"role", "authenticated"},
                       {"iat", now - 10}, {"exp", now + 600}};
  const auto good = testing::make_hs256_jwt(hs256, claims, kJwtSecret);
  auto as_jwt = server.client(good);
  auto jwt_list = as_jwt.Get("/api/v1/videos");
  ASSERT_EQ(status_of(jwt_list), 200) << (jwt_list ? jwt_list->body : "");
  EXPECT_EQ(testing::json_body(jwt_list)["videos"].size(), 1u);
  EXPECT_EQ(status_of(as_jwt.Get("/api/v1/jobs/" + job_id)), 200);

  json expired = claims;
  expired["iat"] = now - 7200;
  expired["exp"] = now - 3600;
  EXPECT_EQ(status_of(server.client(testing::make_hs256_jwt(hs256, expired, kJwtSecret)).Get("/api/v1/videos")), 401);

  const json none = {{"alg", "none"}, {"typ", "JWT"}};
  EXPECT_EQ(status_of(server.client(testing::make_jwt(none, claims, "")).Get("/api/v1/videos")), 401);
  // alg none with the valid token's signature pasted on: still refused.
  const auto good_sig = good.substr(good.rfind('.') + 1);
  EXPECT_EQ(status_of(server.client(testing::make_jwt(none, claims, good_sig)).Get("/api/v1/videos")), 401);

  const auto forged = testing::make_hs256_jwt(hs256, claims, "another-secret-of-forty-characters-xxxxx");
  EXPECT_EQ(status_of(server.client(forged).Get("/api/v1/videos")), 401);

  json wrong_audience = claims;
  wrong_audience["aud"] = "anon-service";
  EXPECT_EQ(status_of(server.client(testing::make_hs256_jwt(hs256, wrong_audience, kJwtSecret)).Get("/api/v1/videos")),
            401);

  json unknown_user = claims;
  unknown_user["sub"] = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(status_of(server.client(testing::make_hs256_jwt(hs256, unknown_user, kJwtSecret)).Get("/api/v1/videos")),
            401);

  EXPECT_EQ(server.terminate(), 0);
  // The log (one line per request, including every refusal above) never carries a
  // credential: not the keys, not the tokens, not the JWT secret.
  const std::string log = server.stderr_text();
  EXPECT_NE(log.find("request_id="), std::string::npos) << "the server logged nothing?";
  for (const std::string& secret : {server.api_key(), member["apiKey"].get<std::string>(),
                                   stranger["apiKey"].get<std::string>(), good, std::string(kJwtSecret)}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a credential appears in the log";
  }
}

// Keys are remembered for 2 s to spare a lookup per request; a key revoked with the admin
// CLI while the server runs must stop working within that bound.
TEST(ServeAuth, AKeyRevokedWhileServingStopsWorkingWithinTheCacheBound) {
  TempDir tmp;
  const auto data = tmp / "data";
  ServerProcess server{ServerOptions(data)};
  ASSERT_SERVER_READY(server);
  const auto user = testing::admin_json(data, {"user", "create", "--org", "default", "--email", "gone@a.test",
                                               "--role", "admin"});
  ASSERT_TRUE(user.contains("apiKey")) << user.dump();
  const std::string key = user["apiKey"];
  auto as_user = server.client(key);
  EXPECT_EQ(status_of(as_user.Get("/api/v1/videos")), 200);

  std::string key_id;
  for (const auto& k : testing::admin_json(data, {"key", "list", "--org", "default"})) {
    if (k.value("userId", "") == user["userId"]) key_id = k["id"];
  }
  ASSERT_FALSE(key_id.empty());
  ASSERT_EQ(testing::admin_json(data, {"key", "revoke", "--id", key_id})["revoked"], true);
  const auto revoked_at = std::chrono::steady_clock::now();
  int status = 200;
  while (status != 401 && std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(10)) {
    status = status_of(as_user.Get("/api/v1/videos"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401) << "the revoked key still works after 10 s";
  EXPECT_EQ(status_of(server.client().Get("/api/v1/videos")), 200) << "other keys are unaffected";
}

}  // namespace
}  // namespace pitchreel
