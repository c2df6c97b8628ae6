// S3Store against a real S3-compatible server on 127.0.0.1 (s3rver behind tests/s3's gate,
// which checks every SigV4 signature with the AWS SDK's signer and injects faults), with
// the Debian rclone as the independent client that checks what was stored.
#include "storage/s3_store.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <random>
#include <thread>

#include "storage/object_keys.h"
#include "support/s3_server.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using testing::S3Server;
using testing::S3ServerOptions;
using testing::TempDir;

S3Settings settings_for(const S3Server& server) {
  S3Settings s;
  s.endpoint = server.endpoint();
  s.region = server.options().region;
  s.bucket = server.options().bucket;
  s.access_key_id = server.options().access_key;
  s.secret_access_key = server.options().secret;
  s.backoff_base = std::chrono::milliseconds(20);
  s.backoff_cap = std::chrono::milliseconds(200);
  s.connect_timeout = std::chrono::milliseconds(2000);
  s.stall_timeout = std::chrono::milliseconds(5000);
  return s;
}

std::unique_ptr<S3Store> open_store(const S3Settings& s) {
  auto store = S3Store::open(s);
  EXPECT_TRUE(store) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

// GET of an absolute http://127.0.0.1:PORT/... URL.
httplib::Result http_get(const std::string& url, const httplib::Headers& headers = {}) {
  const auto slash = url.find('/', 7);
  httplib::Client client(url.substr(0, slash));
  return client.Get(url.substr(slash), headers);
}

int count_requests(const nlohmann::json& requests, const std::string& method,
                   const std::string& query = {}) {
  int n = 0;
  for (const auto& r : requests) {
    if (r["method"] == method && (query.empty() || r["query"].contains(query))) ++n;
  }
  return n;
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ready()) << server_.error(); }
  S3Server server_;
  TempDir dir_;
};

TEST_F(S3StoreTest, PutStatRemoveCheckedWithRclone) {
  auto store = open_store(settings_for(server_));
  const std::string key = "org_a/videos/ai-generated/product-p1-abcdefabcdef.vtt";
  const std::string body = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n";
  testing::write_file(dir_ / "c.vtt", body);
  ASSERT_TRUE(store->put_file(key, dir_ / "c.vtt", {"text/vtt", "public, max-age=60", "p1.vtt"}));

  auto info = store->stat(key);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->size, body.size());
  EXPECT_EQ(info->content_type, "text/vtt");
  EXPECT_EQ(info->cache_control, "public, max-age=60");
  EXPECT_EQ(info->download_name, "p1.vtt");

  // rclone, with its own signer (which the gate checks too), sees the same key, bytes and type.
  const auto bucket = "s3:" + server_.options().bucket;
  auto listing = server_.rclone({"lsjson", "-R", "--files-only", "--metadata", bucket});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  const auto objects = nlohmann::json::parse(listing.out);
  ASSERT_EQ(objects.size(), 1u) << listing.out;
  EXPECT_EQ(objects[0]["Path"], key);
  EXPECT_EQ(objects[0]["Size"], body.size());
  EXPECT_EQ(objects[0]["MimeType"], "text/vtt");
  auto cat = server_.rclone({"cat", bucket + "/" + key});
  EXPECT_EQ(cat.out, body);

  ASSERT_TRUE(store->remove(key));
  EXPECT_EQ(store->stat(key).error().code, kObjectNotFound);
  EXPECT_TRUE(store->remove(key)) << "removing a missing key succeeds";
  EXPECT_EQ(server_.rclone({"lsf", "-R", bucket}).out, "");
}

TEST_F(S3StoreTest, LargeFilesGoUpAsMultipartAndArriveWhole) {
  auto settings = settings_for(server_);
  settings.part_size = 1 << 20;
  auto store = open_store(settings);
  const auto bytes = random_bytes((3u << 20) + 12345, 7);
  testing::write_file(dir_ / "big.mp4", bytes);
  const std::string key = "org_a/videos/ai-generated/product-big-abcdefabcdef.mp4";
  ASSERT_TRUE(store->put_file(key, dir_ / "big.mp4", {"video/mp4", "", "big.mp4"}));

  const auto requests = server_.requests();
  EXPECT_EQ(count_requests(requests, "POST", "uploads"), 1);
  EXPECT_EQ(count_requests(requests, "PUT", "partNumber"), 4);
  EXPECT_EQ(count_requests(requests, "POST", "uploadId"), 1);
  EXPECT_EQ(server_.pending_uploads(), nlohmann::json::array());

  auto copy = server_.rclone(
      {"copyto", "s3:" + server_.options().bucket + "/" + key, (dir_ / "back.mp4").string()});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_TRUE(testing::read_file(dir_ / "back.mp4") == bytes) << "the object differs from the file";
  auto info = store->stat(key);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->content_type, "video/mp4");
  EXPECT_EQ(info->size, bytes.size());
}

TEST_F(S3StoreTest, PresignedUrlsWorkWithRangeAndFailWhenExpiredOrTampered) {
  auto store = open_store(settings_for(server_));
  const std::string key = "org_a/videos/ai-generated/product-p2-abcdefabcdef.mp4";
  const auto bytes = random_bytes(100000, 3);
  testing::write_file(dir_ / "v.mp4", bytes);
  ASSERT_TRUE(store->put_file(key, dir_ / "v.mp4", {"video/mp4", "", "product-p2.mp4"}));

  const auto url = store->direct_url(key, 600, "");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->find(server_.options().secret), std::string::npos);
  auto whole = http_get(*url);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200) << whole->body;
  EXPECT_TRUE(whole->body == bytes);
  EXPECT_EQ(whole->get_header_value("Content-Type"), "video/mp4");

  auto part = http_get(*url, {{"Range", "bytes=1000-1999"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, bytes.substr(1000, 1000));

  const auto download = store->direct_url(key, 600, "product-p2.mp4");
  auto saved = http_get(*download);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 200);
  EXPECT_EQ(saved->get_header_value("Content-Disposition"),
            "attachment; filename=\"product-p2.mp4\"");

  // Expired: signed two minutes ago for one minute.
  auto client = S3Client::create(settings_for(server_));
  ASSERT_TRUE(client);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto expired = http_get((*client)->presigned_get(key, 60, "", now - 120));
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 403);
  EXPECT_NE(expired->body.find("expired"), std::string::npos) << expired->body;

  // Tampered: another object's key, a longer expiry, or a changed signature.
  const std::string other = "org_b/videos/ai-generated/product-p2-abcdefabcdef.mp4";
  std::string tampered = *url;
  tampered.replace(tampered.find("org_a"), 5, "org_b");
  testing::write_file(dir_ / "o.mp4", "other org");
  ASSERT_TRUE(store->put_file(other, dir_ / "o.mp4", {}));
  auto forged = http_get(tampered);
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403) << forged->body;
  std::string longer = *url;
  longer.replace(longer.find("X-Amz-Expires=600"), 17, "X-Amz-Expires=900");
  EXPECT_EQ(http_get(longer)->status, 403);
  std::string bad_sig = *url;
  bad_sig.back() = bad_sig.back() == '0' ? '1' : '0';
  EXPECT_EQ(http_get(bad_sig)->status, 403);
}

TEST(S3StorePublic, PublicUrlModeHandsOutPlainUrls) {
  S3ServerOptions options;
  options.public_reads = true;
  S3Server server(options);
  ASSERT_TRUE(server.ready()) << server.error();
  auto settings = settings_for(server);
  settings.public_base_url = server.endpoint() + "/" + options.bucket + "/";
  auto store = open_store(settings);
  TempDir dir;
  testing::write_file(dir / "p.jpg", "jpeg bytes");
  const std::string key = "org_a/videos/ai-generated/product-p3-abcdefabcdef.jpg";
  ASSERT_TRUE(store->put_file(key, dir / "p.jpg", {"image/jpeg", "", ""}));
  const auto url = store->direct_url(key, 600, "x.jpg");
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, server.endpoint() + "/" + options.bucket + "/" + key);
  auto answer = http_get(*url);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "jpeg bytes");
  EXPECT_EQ(answer->get_header_value("Content-Type"), "image/jpeg");
}

TEST(S3StoreAuth, WrongSecretFailsAtOnceWithoutLeakingIt) {
  S3Server server;
  ASSERT_TRUE(server.ready()) << server.error();
  auto settings = settings_for(server);
  settings.secret_access_key = "not-the-secret-AbCdEf";
  auto store = open_store(settings);
  TempDir dir;
  testing::write_file(dir / "a.vtt", "WEBVTT\n");
  auto put = store->put_file("org/videos/ai-generated/a.vtt", dir / "a.vtt", {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, "storage_auth_failed");
  EXPECT_NE(put.error().message.find(server.endpoint()), std::string::npos) << put.error().message;
  EXPECT_NE(put.error().message.find(server.options().bucket), std::string::npos);
  EXPECT_EQ(put.error().message.find("AbCdEf"), std::string::npos);
  EXPECT_EQ(count_requests(server.requests(), "PUT"), 1) << "auth failures are not retried";

  auto ready = store->check_writable();
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().code, "storage_auth_failed");
}

TEST(S3StoreFaults, StoreDownIsReportedWithTheEndpoint) {
  int port = 0;
  {
    S3Server gone;  // started and stopped: nothing listens on its port any more
    ASSERT_TRUE(gone.ready()) << gone.error();
    port = gone.port();
  }
  S3Settings settings;
  settings.endpoint = "http://127.0.0.1:" + std::to_string(port);
  settings.bucket = "pitchreel-test";
  settings.access_key_id = "k";
  settings.secret_access_key = "s";
  settings.max_attempts = 3;
  settings.backoff_base = std::chrono::milliseconds(10);
  auto store = open_store(settings);
  auto ready = store->check_writable();
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().code, "storage_unreachable");
  EXPECT_EQ(ready.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(ready.error().message.find(settings.endpoint), std::string::npos)
      << ready.error().message;
}

// Job inputs: put from memory, listed by prefix, downloaded to a file whole (larger than
// the 1 MiB an answer body is otherwise kept to), checked with rclone.
TEST_F(S3StoreTest, InputsArePutListedAndDownloadedWhole) {
  auto store = open_store(settings_for(server_));
  const auto big = random_bytes(3 << 20, 7);
  const auto image = make_input_key("org_a", "job-1", "image").value();
  const auto avatar = make_input_key("org_a", "job-1", "avatar").value();
  const auto other = make_input_key("org_b", "job-2", "image").value();
  ASSERT_TRUE(store->put_bytes(image, big, {"application/octet-stream", "", ""}));
  ASSERT_TRUE(store->put_bytes(avatar, "tiny", {}));
  ASSERT_TRUE(store->put_bytes(other, "other", {}));
  auto listed = server_.rclone({"lsf", "-R", "s3:" + server_.options().bucket + "/org_a"});
  EXPECT_NE(listed.out.find("inputs/job-1/image"), std::string::npos) << listed.out;

  auto keys = store->list(input_prefix("org_a"));
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].key, avatar);  // key order
  EXPECT_EQ((*keys)[1].key, image);
  EXPECT_EQ((*keys)[1].size, big.size());
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_NEAR(static_cast<double>((*keys)[1].modified_at), static_cast<double>(now), 120.0);

  ASSERT_TRUE(store->get_file(image, dir_ / "image"));
  EXPECT_EQ(testing::read_file(dir_ / "image"), big);
  // A second download into the same file replaces it (a retried download starts over).
  ASSERT_TRUE(store->get_file(avatar, dir_ / "image"));
  EXPECT_EQ(testing::read_file(dir_ / "image"), "tiny");
  auto missing = store->get_file("org_a/inputs/nope/image", dir_ / "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, kObjectNotFound);
  EXPECT_TRUE(store->list("org_c/inputs/").value().empty());
}

TEST_F(S3StoreTest, TransientErrorsAreRetried) {
  auto store = open_store(settings_for(server_));
  server_.set_faults({{{"match", {{"method", "PUT"}}}, {"count", 1}, {"status", 503}},
                      {{"match", {{"method", "PUT"}}}, {"count", 1}, {"status", 429}}});
  testing::write_file(dir_ / "a.jpg", "poster");
  const std::string key = "org/videos/ai-generated/product-r-abcdefabcdef.jpg";
  ASSERT_TRUE(store->put_file(key, dir_ / "a.jpg", {}));
  EXPECT_EQ(count_requests(server_.requests(), "PUT"), 3);
  EXPECT_EQ(server_.rclone({"cat", "s3:" + server_.options().bucket + "/" + key}).out, "poster");

  server_.clear_requests();
  server_.set_faults({{{"match", {{"method", "PUT"}}}, {"count", -1}, {"status", 500}}});
  auto failed = store->put_file(key, dir_ / "a.jpg", {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "storage_unavailable");
  EXPECT_EQ(count_requests(server_.requests(), "PUT"), settings_for(server_).max_attempts);
}

TEST_F(S3StoreTest, StoreGoingDownMidUploadAbortsTheMultipartUpload) {
  auto settings = settings_for(server_);
  settings.part_size = 1 << 20;
  settings.upload_concurrency = 1;  // one part at a time, so the request count is exact
  auto store = open_store(settings);
  testing::write_file(dir_ / "big.mp4", random_bytes(3u << 20, 5));
  // The first part goes through; every later part loses its connection midway.
  server_.set_faults(
      {{{"match", {{"method", "PUT"}, {"query", "partNumber"}}}, {"count", 1}, {"delayMs", 1}},
       {{"match", {{"method", "PUT"}, {"query", "partNumber"}}},
        {"count", -1},
        {"dropAfterBytes", 200000}}});
  const std::string key = "org/videos/ai-generated/product-d-abcdefabcdef.mp4";
  auto put = store->put_file(key, dir_ / "big.mp4", {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::kUnavailable)
      << put.error().code << ": " << put.error().message;
  // The gate logs a cut request when its socket closes, which can come just after the
  // client has given up on it: let the log settle before counting.
  auto requests = server_.requests();
  for (int i = 0; i < 40 && count_requests(requests, "PUT", "partNumber") < 1 + settings.max_attempts; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    requests = server_.requests();
  }
  EXPECT_EQ(count_requests(requests, "PUT", "partNumber"), 1 + settings.max_attempts);
  int aborts = 0;
  for (const auto& r : requests) {
    if (r["method"] == "DELETE" && r["query"].contains("uploadId")) {
      ++aborts;
      EXPECT_EQ(r["status"], 204);
    }
  }
  EXPECT_EQ(aborts, 1);
  EXPECT_EQ(server_.pending_uploads(), nlohmann::json::array()) << "no parts linger";
  server_.set_faults(nlohmann::json::array());
  EXPECT_EQ(server_.rclone({"lsf", "-R", "s3:" + server_.options().bucket}).out, "")
      << "no object is visible after a failed upload";
  EXPECT_EQ(store->stat(key).error().code, kObjectNotFound);
}

TEST_F(S3StoreTest, SlowStoreTimesOut) {
  auto settings = settings_for(server_);
  settings.stall_timeout = std::chrono::milliseconds(1000);
  settings.max_attempts = 2;
  auto store = open_store(settings);
  server_.set_faults({{{"match", {{"method", "PUT"}}}, {"count", -1}, {"delayMs", 60000}}});
  testing::write_file(dir_ / "a.jpg", "poster");
  const auto started = std::chrono::steady_clock::now();
  auto put = store->put_file("org/videos/ai-generated/slow.jpg", dir_ / "a.jpg", {});
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, "storage_timeout") << put.error().message;
  // Both attempts gave up long before the store would have answered.
  EXPECT_LT(waited, std::chrono::seconds(15));
  server_.set_faults(nlohmann::json::array());
}

TEST_F(S3StoreTest, OrganisationsNeverShareKeys) {
  auto store = open_store(settings_for(server_));
  testing::write_file(dir_ / "v.vtt", "WEBVTT\n");
  for (const char* org : {"org_a", "org_b"}) {
    auto keys = make_video_keys(org, "same-product");
    ASSERT_TRUE(keys);
    ASSERT_TRUE(store->put_file(keys->captions, dir_ / "v.vtt", {}));
  }
  const auto bucket = "s3:" + server_.options().bucket;
  const auto a = server_.rclone({"lsf", "-R", "--files-only", bucket + "/org_a"}).out;
  const auto b = server_.rclone({"lsf", "-R", "--files-only", bucket + "/org_b"}).out;
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 1) << a;
  EXPECT_EQ(std::count(b.begin(), b.end(), '\n'), 1) << b;
  EXPECT_EQ(a.rfind("videos/ai-generated/product-same-product-", 0), 0u) << a;
  EXPECT_NE(a, b);
  for (const std::string& hostile :
       std::vector<std::string>{"../x", "a/b", std::string(200, 'p'), "caf\xc3\xa9"}) {
    auto keys = make_video_keys("org_a", hostile);
    ASSERT_FALSE(keys);
    EXPECT_EQ(keys.error().code, "invalid_product_id");
  }
}

TEST(S3StoreSettings, BadSettingsAreRefusedWithTheSettingName) {
  S3Settings s;
  s.endpoint = "http://127.0.0.1:9";
  s.bucket = "b";
  s.access_key_id = "k";
  s.secret_access_key = "s";
  auto store = S3Store::open(s);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("S3_BUCKET"), std::string::npos);
  s.bucket = "videos";
  s.endpoint = "ftp://host";
  EXPECT_NE(S3Store::open(s).error().message.find("S3_ENDPOINT"), std::string::npos);
  s.endpoint = "https://host/path";
  EXPECT_FALSE(S3Store::open(s));
  s.endpoint = "https://host";
  s.secret_access_key.clear();
  EXPECT_NE(S3Store::open(s).error().message.find("S3_SECRET_ACCESS_KEY"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
