// SigV4 against the example requests that AWS publishes for S3 (Authenticating Requests:
// Using the Authorization Header, and Using Query Parameters), with their expected
// signatures, then against the AWS SDK for JavaScript's signer (@smithy/signature-v4, run
// by node from tests/s3) on the same requests.
#include "storage/sigv4.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace pitchreel {
namespace {

// The example credentials of the AWS documentation; 2013-05-24T00:00:00Z.
const SigV4Credentials kAws{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            "us-east-1", "s3"};
constexpr std::int64_t kMay24 = 1369353600;

std::string header(const SigV4Pairs& pairs, const std::string& name) {
  for (const auto& [n, v] : pairs) {
    if (n == name) return v;
  }
  return {};
}

TEST(SigV4, TimestampAndEncoding) {
  EXPECT_EQ(sigv4_timestamp(kMay24), "20130524T000000Z");
  EXPECT_EQ(sigv4_uri_encode("/test$file.text", true), "/test%24file.text");
  EXPECT_EQ(sigv4_uri_encode("a/b c~d", false), "a%2Fb%20c~d");
  EXPECT_EQ(sigv4_uri_encode("é", true), "%C3%A9");
  EXPECT_EQ(sigv4_canonical_query({{"prefix", "J"}, {"max-keys", "2"}}), "max-keys=2&prefix=J");
  EXPECT_EQ(sigv4_canonical_query({{"lifecycle", ""}}), "lifecycle=");
  EXPECT_EQ(sha256_hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(sha256_hex("Welcome to Amazon S3."),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

// "Example: GET Object" of the AWS documentation.
TEST(SigV4, AwsExampleGetObject) {
  SigV4Request r{
      "GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {{"Range", "bytes=0-9"}}};
  const auto added = sigv4_sign_headers(r, kAws, kEmptyPayloadSha256, kMay24);
  EXPECT_EQ(header(added, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(header(added, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// "Example: PUT Object".
TEST(SigV4, AwsExamplePutObject) {
  SigV4Request r{
      "PUT",
      "examplebucket.s3.amazonaws.com",
      "/test$file.text",
      {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}};
  const auto added = sigv4_sign_headers(r, kAws, sha256_hex("Welcome to Amazon S3."), kMay24);
  EXPECT_EQ(header(added, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

// "Example: GET Bucket Lifecycle" (a valueless sub-resource) and "Example: Get Bucket (List
// Objects)" (query parameters out of order).
TEST(SigV4, AwsExampleSubresourceAndQuery) {
  SigV4Request lifecycle{"GET", "examplebucket.s3.amazonaws.com", "/", {{"lifecycle", ""}}, {}};
  EXPECT_NE(
      header(sigv4_sign_headers(lifecycle, kAws, kEmptyPayloadSha256, kMay24), "Authorization")
          .find("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
      std::string::npos);
  SigV4Request list{
      "GET", "examplebucket.s3.amazonaws.com", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {}};
  EXPECT_NE(header(sigv4_sign_headers(list, kAws, kEmptyPayloadSha256, kMay24), "Authorization")
                .find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos);
}

// "Example of a presigned URL" (Authenticating Requests: Using Query Parameters).
TEST(SigV4, AwsExamplePresignedUrl) {
  SigV4Request r{"GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {}};
  EXPECT_EQ(sigv4_presign_query(r, kAws, kMay24, 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4, SignatureDependsOnEverySignedPart) {
  SigV4Request r{"GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {}};
  const auto base = sigv4_presign_query(r, kAws, kMay24, 60);
  auto other = r;
  other.path = "/test.txT";
  EXPECT_NE(sigv4_presign_query(other, kAws, kMay24, 60), base);
  auto creds = kAws;
  creds.secret_access_key.back() = 'X';
  EXPECT_NE(sigv4_presign_query(r, creds, kMay24, 60), base);
  creds = kAws;
  creds.region = "auto";
  EXPECT_NE(sigv4_presign_query(r, creds, kMay24, 60), base);
  EXPECT_NE(sigv4_presign_query(r, kAws, kMay24, 61), base);
  EXPECT_EQ(base.find(kAws.secret_access_key), std::string::npos);
}

struct PipeCloser {
  void operator()(std::FILE* f) const { pclose(f); }
};

// Runs tests/s3/sign_reference.js on `requests` and returns its answers.
nlohmann::json reference_signatures(const nlohmann::json& requests, const testing::TempDir& dir) {
  const auto script = std::filesystem::path(PITCHREEL_SOURCE_DIR) / "tests/s3/sign_reference.js";
  testing::write_file(dir / "requests.json", requests.dump());
  const std::string command =
      "node '" + script.string() + "' '" + (dir / "requests.json").string() + "'";
  std::unique_ptr<std::FILE, PipeCloser> pipe(popen(command.c_str(), "r"));
  std::string out;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get())) out += buffer;
  return nlohmann::json::parse(out, nullptr, false);
}

// The same requests, signed by us and by @smithy/signature-v4.
TEST(SigV4, MatchesTheAwsSdkSigner) {
  const auto modules =
      std::filesystem::path(PITCHREEL_SOURCE_DIR) / "tests/s3/node_modules/@smithy/signature-v4";
  ASSERT_TRUE(std::filesystem::exists(modules))
      << "tests/s3/node_modules is missing: run `make deps` (scripts/install-npm-tools.sh)";
  const SigV4Credentials r2{"0123456789abcdef0123456789abcdef", "s3cr3t/with+odd=chars", "auto",
                            "s3"};
  struct Case {
    SigV4Request request;
    std::string payload;
    bool presign;
    int expires;
  };
  const std::vector<Case> cases = {
      {{"PUT",
        "127.0.0.1:9000",
        "/bucket/org_1/videos/ai-generated/product-p1-abc.mp4",
        {},
        {{"Content-Type", "video/mp4"},
         {"Cache-Control", "public, max-age=31536000, immutable"},
         {"Content-Disposition", "inline; filename=\"product-p1-abc.mp4\""}}},
       std::string(kUnsignedPayload),
       false,
       0},
      {{"POST", "acct.r2.cloudflarestorage.com", "/bucket/a/b.mp4", {{"uploads", ""}}, {}},
       std::string(kEmptyPayloadSha256),
       false,
       0},
      {{"PUT",
        "bucket.s3.eu-west-1.amazonaws.com",
        "/a b/ü+$.vtt",
        {{"partNumber", "3"}, {"uploadId", "x/y=z"}},
        {{"Content-Length", "5242880"}}},
       std::string(kUnsignedPayload),
       false,
       0},
      {{"GET", "127.0.0.1:9000", "/bucket/o/v/p.mp4", {}, {}}, "", true, 3600},
      {{"GET",
        "acct.r2.cloudflarestorage.com",
        "/bucket/o/v/p.mp4",
        {{"response-content-disposition", "attachment; filename=\"p.mp4\""}},
        {}},
       "",
       true,
       604800},
  };
  nlohmann::json requests = nlohmann::json::array();
  std::vector<std::string> ours;
  const std::int64_t now = 1764633600;  // 2025-12-02T00:00:00Z
  for (const auto& c : cases) {
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [n, v] : c.request.headers) headers[n] = v;
    nlohmann::json query = nlohmann::json::object();
    for (const auto& [n, v] : c.request.query) query[n] = v;
    const SigV4Credentials& creds = c.presign ? r2 : (requests.size() % 2 ? r2 : kAws);
    requests.push_back({{"method", c.request.method},
                        {"host", c.request.host},
                        {"path", c.request.path},
                        {"query", query},
                        {"headers", headers},
                        {"payloadHash", c.payload},
                        {"presign", c.presign},
                        {"expires", c.expires},
                        {"now", now},
                        {"accessKeyId", creds.access_key_id},
                        {"secret", creds.secret_access_key},
                        {"region", creds.region}});
    if (c.presign) {
      const auto q = sigv4_presign_query(c.request, creds, now, c.expires);
      ours.push_back(q.substr(q.find("X-Amz-Signature=") + 16));
    } else {
      const auto auth =
          header(sigv4_sign_headers(c.request, creds, c.payload, now), "Authorization");
      ours.push_back(auth.substr(auth.find("Signature=") + 10));
    }
  }
  testing::TempDir dir;
  const auto reference = reference_signatures(requests, dir);
  ASSERT_TRUE(reference.is_array()) << "node tests/s3/sign_reference.js gave no JSON array";
  ASSERT_EQ(reference.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(ours[i], reference[i].get<std::string>())
        << "request " << i << ": " << requests[i].dump();
  }
}

}  // namespace
}  // namespace pitchreel
