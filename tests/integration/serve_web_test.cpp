// The web UI's server side against the real `pitchreel serve`: the embedded files at `/`
// (content types, ETag revalidation, CSP, no shadowing of the API), and the small API
// additions the UI uses: /api/v1/info, /api/v1/me and the voice preview. The browser
// flows themselves are in tests/e2e.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

TEST(ServeWeb, ServesTheEmbeddedUiWithTypesEtagsAndCsp) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.anonymous_client();

  auto index = cli.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<script type=\"module\" src=\"/js/main.js\"></script>"),
            std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  const auto etag = index->get_header_value("ETag");
  ASSERT_EQ(etag.size(), 34u) << etag;

  auto same = cli.Get("/index.html");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->body, index->body);
  EXPECT_EQ(same->get_header_value("ETag"), etag);

  auto revalidated = cli.Get("/", {{"If-None-Match", etag}});
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 304);
  EXPECT_TRUE(revalidated->body.empty());
  auto stale = cli.Get("/", {{"If-None-Match", "\"0123\""}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);

  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/js/main.js", "text/javascript; charset=utf-8"},
           {"/css/app.css", "text/css; charset=utf-8"},
           {"/favicon.svg", "image/svg+xml"}}) {
    auto res = cli.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), type) << path;
    EXPECT_FALSE(res->body.empty()) << path;
    EXPECT_NE(res->get_header_value("ETag"), etag) << path;
  }
  auto missing = cli.Get("/js/missing.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // The UI's routes never shadow the API's.
  auto openapi = cli.Get("/api/v1/openapi.json");
  ASSERT_TRUE(openapi);
  EXPECT_EQ(openapi->status, 200);
  EXPECT_TRUE(json::parse(openapi->body)["paths"].contains("/api/v1/me"));
}

TEST(ServeWeb, InfoSaysWhatTheServerOffersAndMeWhoIsAsking) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);

  auto info = server.anonymous_client().Get("/api/v1/info");
  ASSERT_TRUE(info);
  ASSERT_EQ(info->status, 200);
  const auto i = json::parse(info->body);
  EXPECT_EQ(i["engine"], "cpu");
  EXPECT_EQ(i["engines"], json::array({"cpu"}));
  EXPECT_EQ(i["maxScriptCharacters"], 500);
  EXPECT_EQ(i["aspects"], json::array({"16:9", "9:16", "1:1"}));
  EXPECT_EQ(i["auth"]["jwt"], false);  // no JWT secret or keys configured
  EXPECT_EQ(i["features"]["presenter"], true);
  EXPECT_EQ(i["features"]["layouts"], json::array({"presenter", "split", "pip", "showcase"}));
  EXPECT_FALSE(i["version"].get<std::string>().empty());

  auto anonymous = server.anonymous_client().Get("/api/v1/me");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);

  auto owner = server.client().Get("/api/v1/me");
  ASSERT_TRUE(owner);
  ASSERT_EQ(owner->status, 200) << owner->body;
  const auto me = json::parse(owner->body);
  EXPECT_EQ(me["role"], "owner");
  EXPECT_EQ(me["canGenerate"], true);
  EXPECT_EQ(me["canDelete"], true);

  const auto member = testing::admin_json(
      server.data_dir(),
      {"user", "create", "--org", "default", "--email", "m@web.test", "--role", "member"});
  ASSERT_TRUE(member.is_object());
  auto as_member = server.client(member["apiKey"].get<std::string>()).Get("/api/v1/me");
  ASSERT_TRUE(as_member);
  ASSERT_EQ(as_member->status, 200);
  const auto m = json::parse(as_member->body);
  EXPECT_EQ(m["role"], "member");
  EXPECT_EQ(m["canGenerate"], false);
  EXPECT_EQ(m["canDelete"], false);
  EXPECT_EQ(m["organizationId"], me["organizationId"]);
  EXPECT_NE(m["userId"], me["userId"]);
}

TEST(ServeWeb, VoicePreviewIsASpokenWav) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();

  auto wav = cli.Get("/api/v1/voices/en-us/preview");
  ASSERT_TRUE(wav);
  ASSERT_EQ(wav->status, 200) << wav->body;
  EXPECT_EQ(wav->get_header_value("Content-Type"), "audio/wav");
  const auto& b = wav->body;
  ASSERT_GT(b.size(), 44u);
  EXPECT_EQ(b.substr(0, 4), "RIFF");
  EXPECT_EQ(b.substr(8, 8), "WAVEfmt ");
  const auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
  };
  EXPECT_EQ(u32(4), b.size() - 8);
  EXPECT_EQ(u32(40), b.size() - 44);
  const auto rate = u32(24);
  const double seconds = static_cast<double>(b.size() - 44) / 2 / rate;
  EXPECT_GT(seconds, 0.8);  // a few spoken words, not silence or a click
  EXPECT_LT(seconds, 8.0);
  // Not all zeros: something is said.
  std::int64_t energy = 0;
  for (std::size_t at = 44; at + 1 < b.size(); at += 2) {
    const auto s = static_cast<std::int16_t>(static_cast<unsigned char>(b[at]) |
                                             static_cast<unsigned char>(b[at + 1]) << 8);
    energy += std::abs(s);
  }
  EXPECT_GT(energy / static_cast<std::int64_t>((b.size() - 44) / 2), 100);

  auto unknown = cli.Get("/api/v1/voices/xx-nope/preview");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(json::parse(unknown->body)["code"], "voice_not_found");
  auto anonymous = server.anonymous_client().Get("/api/v1/voices/en-us/preview");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

}  // namespace
}  // namespace pitchreel
