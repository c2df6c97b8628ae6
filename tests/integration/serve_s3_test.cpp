// End to end: `pitchreel serve` with STORAGE=s3 against a real S3-compatible server on
// 127.0.0.1 (s3rver behind tests/s3's signature-checking, fault-injecting gate). What the
// service stored is checked with rclone, the URLs it hands out are fetched as a browser would.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/s3_server.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::S3Server;
using testing::S3ServerOptions;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

std::map<std::string, std::string> s3_env(const S3Server& s3) {
  return {{"STORAGE", "s3"},
          {"S3_ENDPOINT", s3.endpoint()},
          {"S3_REGION", s3.options().region},
          {"S3_BUCKET", s3.options().bucket},
          {"S3_ACCESS_KEY_ID", s3.options().access_key},
          {"S3_SECRET_ACCESS_KEY", s3.options().secret},
          {"S3_TIMEOUT_S", "5"},
          {"PITCHREEL_MAX_ATTEMPTS", "2"}};
}

httplib::Result http_get(const std::string& url, const httplib::Headers& headers = {}) {
  const auto slash = url.find('/', 7);
  httplib::Client client(url.substr(0, slash));
  return client.Get(url.substr(slash), headers);
}

std::string submit(httplib::Client& cli, const std::string& product_id) {
  const auto form = testing::job_form(testing::product_jpeg(),
                                      {{"script", "The Aurora bottle keeps drinks cold."},
                                       {"productId", product_id},
                                       {"height", "720"}});
  auto res = cli.Post("/api/v1/jobs", form);
  if (!res || res->status != 202) {
    ADD_FAILURE() << "job not accepted: " << (res ? res->body : httplib::to_string(res.error()));
    return {};
  }
  return testing::json_body(res).value("id", "");
}

json bucket_listing(const S3Server& s3) {
  auto listing = s3.rclone({"lsjson", "-R", "--files-only", "s3:" + s3.options().bucket});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  return json::parse(listing.out, nullptr, false);
}

TEST(ServeS3, VideosGoToTheBucketWithPresignedUrlsAndDeleteRemovesThem) {
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data", s3_env(s3)));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();

  auto ready = cli.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_EQ(testing::json_body(ready)["checks"]["storage"], "ok");

  const auto id = submit(cli, "sku-s3");
  ASSERT_FALSE(id.empty());
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job["status"], "succeeded") << job.dump() << server.diagnostics();
  const auto video = job["video"];

  // Three objects, under the organisation's folder, with their types (the job's input
  // leaves the bucket just after the final status).
  json objects;
  testing::eventually([&] { return (objects = bucket_listing(s3)).size() == 3; },
                      std::chrono::seconds(30));
  ASSERT_EQ(objects.size(), 3u) << objects.dump();
  const std::string stem = video["fileName"].get<std::string>().substr(
      0, video["fileName"].get<std::string>().size() - 4);
  std::map<std::string, std::string> types;
  for (const auto& o : objects) types[o["Path"]] = o["MimeType"];
  std::string org;
  for (const auto& [path, type] : types) {
    org = path.substr(0, path.find('/'));
    EXPECT_EQ(path.rfind(org + "/videos/ai-generated/" + stem + ".", 0), 0u) << path;
  }
  EXPECT_EQ(types[org + "/videos/ai-generated/" + stem + ".mp4"], "video/mp4");
  EXPECT_EQ(types[org + "/videos/ai-generated/" + stem + ".jpg"], "image/jpeg");
  EXPECT_EQ(types[org + "/videos/ai-generated/" + stem + ".vtt"], "text/vtt");
  EXPECT_EQ(stem.rfind("product-sku-s3-", 0), 0u) << stem;

  // The URLs are presigned URLs of the bucket; the bytes are rclone's bytes.
  const std::string url = video["url"];
  ASSERT_EQ(url.rfind(s3.endpoint() + "/" + s3.options().bucket + "/", 0), 0u) << url;
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(url.find(s3.options().secret), std::string::npos);
  auto mp4 = http_get(url);
  ASSERT_TRUE(mp4);
  ASSERT_EQ(mp4->status, 200) << mp4->body;
  EXPECT_EQ(mp4->get_header_value("Content-Type"), "video/mp4");
  EXPECT_EQ(static_cast<std::int64_t>(mp4->body.size()), video["size"].get<std::int64_t>());
  const auto via_rclone = s3.rclone(
      {"cat", "s3:" + s3.options().bucket + "/" + org + "/videos/ai-generated/" + stem + ".mp4"});
  EXPECT_TRUE(via_rclone.out == mp4->body);
  auto range = http_get(url, {{"Range", "bytes=0-7"}});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->status, 206);
  EXPECT_EQ(range->body, mp4->body.substr(0, 8));
  auto download = http_get(video["downloadUrl"]);
  ASSERT_TRUE(download);
  EXPECT_EQ(download->get_header_value("Content-Disposition"),
            "attachment; filename=\"" + video["fileName"].get<std::string>() + "\"");
  auto poster = http_get(video["posterUrl"]);
  ASSERT_TRUE(poster);
  EXPECT_EQ(poster->status, 200);
  EXPECT_EQ(poster->get_header_value("Content-Type"), "image/jpeg");
  auto captions = http_get(video["captionsUrl"]);
  ASSERT_TRUE(captions);
  EXPECT_EQ(captions->body.rfind("WEBVTT", 0), 0u);

  // A hostile productId never reaches the bucket.
  const auto hostile = testing::job_form(testing::product_jpeg(),
                                         {{"script", "Hello there."}, {"productId", "../x"}});
  auto refused = cli.Post("/api/v1/jobs", hostile);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("invalid_product_id"), std::string::npos) << refused->body;

  auto deleted = cli.Delete("/api/v1/videos/" + video["id"].get<std::string>());
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(deleted->status == 200 || deleted->status == 204) << deleted->status << deleted->body;
  EXPECT_EQ(bucket_listing(s3).size(), 0u) << "deleting a video deletes its objects";
}

TEST(ServeS3, PublicUrlModeAnswersPlainBucketUrls) {
  S3ServerOptions options;
  options.public_reads = true;
  S3Server s3(options);
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  auto env = s3_env(s3);
  env["NEXT_PUBLIC_R2_PUBLIC_URL"] = s3.endpoint() + "/" + options.bucket;  // the seed's name
  ServerProcess server(ServerOptions(tmp / "data", env));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto id = submit(cli, "sku-pub");
  ASSERT_FALSE(id.empty());
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  const std::string url = job["video"]["url"];
  EXPECT_EQ(url.find('?'), std::string::npos) << url;
  EXPECT_EQ(url.rfind(s3.endpoint() + "/" + options.bucket + "/", 0), 0u) << url;
  EXPECT_NE(url.find("/videos/ai-generated/product-sku-pub-"), std::string::npos) << url;
  auto mp4 = http_get(url);
  ASSERT_TRUE(mp4);
  EXPECT_EQ(mp4->status, 200);
  EXPECT_EQ(mp4->get_header_value("Content-Type"), "video/mp4");
}

TEST(ServeS3, StoreDownOrWrongSecretAtStartStopsServeWithTheReason) {
  TempDir tmp;
  int port = 0;
  {
    S3Server gone;
    ASSERT_TRUE(gone.ready()) << gone.error();
    port = gone.port();
  }
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  auto env = s3_env(s3);
  env["S3_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(port);
  ServerOptions down(tmp / "down", env);
  down.startup_timeout = std::chrono::seconds(60);
  ServerProcess server_down(down);
  EXPECT_FALSE(server_down.ready());
  const auto said = server_down.stderr_text() + server_down.stdout_text();
  EXPECT_NE(said.find("storage_unreachable"), std::string::npos) << said;
  EXPECT_NE(said.find("http://127.0.0.1:" + std::to_string(port)), std::string::npos) << said;

  env = s3_env(s3);
  env["S3_SECRET_ACCESS_KEY"] = "wrong-secret-XyZ";
  ServerProcess server_wrong(ServerOptions(tmp / "wrong", env));
  EXPECT_FALSE(server_wrong.ready());
  const auto told = server_wrong.stderr_text() + server_wrong.stdout_text();
  EXPECT_NE(told.find("storage_auth_failed"), std::string::npos) << told;
  EXPECT_NE(told.find(s3.options().bucket), std::string::npos) << told;
  EXPECT_EQ(told.find("XyZ"), std::string::npos) << "the secret leaked: " << told;
}

TEST(ServeS3, StoreFailingMidJobRetriesThenFailsCleanlyAndAuthErrorsAreNotRetried) {
  S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data", s3_env(s3)));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();

  // The store takes the job's input (kept in the bucket at submission) and the MP4, then
  // fails every later upload: the job is tried again (PITCHREEL_MAX_ATTEMPTS=2), then
  // fails, and nothing it uploaded stays visible (its input included).
  s3.set_faults({{{"match", {{"method", "PUT"}}}, {"count", 2}, {"delayMs", 1}},
                 {{"match", {{"method", "PUT"}}}, {"count", -1}, {"status", 503}}});
  const auto id = submit(cli, "sku-down");
  ASSERT_FALSE(id.empty());
  auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"}, std::chrono::seconds(240));
  ASSERT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["attempts"], 2) << job.dump();
  EXPECT_EQ(job["error"]["code"], "storage_unavailable") << job.dump();
  s3.set_faults(json::array());
  EXPECT_TRUE(
      testing::eventually([&] { return bucket_listing(s3).empty(); }, std::chrono::seconds(30)))
      << "a failed job leaves no object behind: " << bucket_listing(s3).dump();
  auto videos = testing::json_body(cli.Get("/api/v1/videos"));
  EXPECT_TRUE(videos.dump().find("sku-down") == std::string::npos) << videos.dump();

  // The store starts refusing our key once the input is in: the job fails at once with
  // storage_auth_failed.
  s3.set_faults({{{"match", {{"method", "PUT"}}}, {"count", 1}, {"delayMs", 1}},
                 {{"match", {{"method", "PUT"}}}, {"count", -1}, {"status", 403}}});
  const auto id2 = submit(cli, "sku-auth");
  ASSERT_FALSE(id2.empty());
  job = testing::wait_for_job(cli, id2, {"succeeded", "failed"}, std::chrono::seconds(240));
  ASSERT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["attempts"], 1) << job.dump();
  EXPECT_EQ(job["error"]["code"], "storage_auth_failed") << job.dump();
  const std::string message = job["error"]["message"];
  EXPECT_NE(message.find(s3.endpoint()), std::string::npos) << message;
  EXPECT_NE(message.find(s3.options().bucket), std::string::npos) << message;
  EXPECT_EQ(message.find(s3.options().secret), std::string::npos) << message;

  // /readyz reflects the store's health.
  auto ready = cli.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("refused our credentials"), std::string::npos) << ready->body;
  s3.set_faults(json::array());
  EXPECT_EQ(cli.Get("/readyz")->status, 200);
}

}  // namespace
}  // namespace pitchreel
