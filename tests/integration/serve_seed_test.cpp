// End to end against the real `pitchreel serve`: the seed's contract, POST
// /api/generate-video exactly as its curl example sends it, then the signed video URL.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

// The seed's example photo when ../shared/testdata is present, else one made here.
std::string seed_photo() {
  const auto portrait = testing::testdata("portraits/marble-statue.jpg");
  return portrait.empty() ? testing::product_jpeg() : testing::read_file(portrait);
}

TEST(ServeSeed, GenerateVideoAnswersTheSeedShapeAndServesTheFileWithRanges) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  ASSERT_EQ(server.api_key().rfind("prk_", 0), 0u) << "first-run key: " << server.api_key();
  const auto orgs = testing::admin_json(server.data_dir(), {"org", "list"});
  ASSERT_TRUE(orgs.is_array() && orgs.size() == 1) << orgs.dump();

  // curl -X POST $URL/api/generate-video -H "Authorization: Bearer $KEY"
  //      -F image=@product.jpg -F script=... -F productId=sku-42
  auto cli = server.client();
  auto res = cli.Post("/api/generate-video",
                      testing::job_form(seed_photo(), {{"script", "Meet the Aurora bottle. It keeps drinks cold all day."},
                                                       {"productId", "sku-42"},
                                                       {"height", "720"}}));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200) << res->body;
  const auto body = testing::json_body(res);
  EXPECT_EQ(body["success"], true) << body.dump();
  ASSERT_TRUE(body["videoUrl"].is_string()) << body.dump();
  ASSERT_TRUE(body["fileName"].is_string()) << body.dump();
  EXPECT_TRUE(std::regex_match(body["fileName"].get<std::string>(), std::regex(R"(product-sku-42-[^/]+\.mp4)")))
      << body["fileName"];
  ASSERT_TRUE(body["size"].is_number_integer()) << body.dump();
  const auto size = body["size"].get<std::int64_t>();
  EXPECT_GT(size, 1000);
  EXPECT_EQ(body["organizationId"], orgs[0]["id"]) << body.dump();

  const std::string video_url = body["videoUrl"];
  EXPECT_EQ(video_url.rfind(server.base_url() + "/", 0), 0u) << video_url;
  const auto path = testing::url_path(video_url);
  auto files = server.anonymous_client();  // signed URLs need no Authorization

  auto head = files.Get(path, {{"Range", "bytes=0-99"}});
  ASSERT_TRUE(head) << httplib::to_string(head.error());
  EXPECT_EQ(head->status, 206) << head->body.substr(0, 300);
  ASSERT_EQ(head->body.size(), 100u);
  EXPECT_EQ(head->body.substr(4, 4), "ftyp");
  EXPECT_EQ(head->get_header_value("Content-Type"), "video/mp4");

  auto full = files.Get(path);
  ASSERT_TRUE(full) << httplib::to_string(full.error());
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(static_cast<std::int64_t>(full->body.size()), size);
  EXPECT_EQ(full->body.substr(0, 100), head->body);

  // One character of the signature changed: refused, not served.
  const auto sig = path.find("sig=");
  ASSERT_NE(sig, std::string::npos) << path;
  std::string tampered = path;
  char& c = tampered[sig + 4];
  c = c == 'A' ? 'B' : 'A';
  auto refused = files.Get(tampered);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403) << refused->body;
  EXPECT_EQ(refused->body.find("ftyp"), std::string::npos);

  // Without the signature at all: refused too.
  auto unsigned_get = files.Get(path.substr(0, path.find('?')));
  ASSERT_TRUE(unsigned_get);
  EXPECT_EQ(unsigned_get->status, 403);

  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace pitchreel
