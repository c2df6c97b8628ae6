// Doctor against real local servers: each failure class of the seed's troubleshooting
// table, and the message naming its cause.
#include "doctor/doctor.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fetch/backend_failure.h"
#include "support/hallo3_servers.h"
#include "support/loopback_server.h"
#include "support/s3_server.h"
#include "support/test_support.h"
#include "support/tts_servers.h"

namespace pitchreel {
namespace {

using testing::Fault;

const CheckResult& find(const std::vector<CheckResult>& results, const std::string& name) {
  static const CheckResult missing{"(missing)", CheckStatus::kSkipped, "", "", 0};
  auto it = std::ranges::find(results, name, &CheckResult::name);
  return it == results.end() ? missing : *it;
}

class DoctorTest : public ::testing::Test {
 protected:
  ServiceConfig config() {
    ServiceConfig c;
    c.data_dir = dir_.path() / "data";
    c.remote_attempts = 1;
    return c;
  }
  DoctorOptions quick() {
    DoctorOptions o;
    o.probe_timeout_s = 2;
    return o;
  }
  testing::TempDir dir_;
};

TEST_F(DoctorTest, EmbeddedDefaultsPass) {
  const auto results = run_doctor(config(), quick());
  EXPECT_TRUE(all_passed(results)) << to_json(results).dump(2);
  EXPECT_EQ(find(results, "storage").status, CheckStatus::kOk);
  EXPECT_EQ(find(results, "speech.espeak").status, CheckStatus::kOk);
  EXPECT_EQ(find(results, "hallo3.url").name, "(missing)") << "hallo3 is not configured";
}

TEST_F(DoctorTest, UnwritableStorageFails) {
  auto c = config();
  testing::write_file(dir_.path() / "file", "x");
  c.data_dir = dir_.path() / "file";  // a file where the data folder should be
  const auto results = run_doctor(c, quick());
  EXPECT_FALSE(all_passed(results));
  EXPECT_EQ(find(results, "storage").status, CheckStatus::kFailed);
}

// STORAGE=s3 against a real S3-compatible server (s3rver behind the signature-checking
// gate): the doctor checks the bucket the service would use, not the local folder.
TEST_F(DoctorTest, S3StorageEndpointCredentialsAndBucket) {
  testing::S3Server s3;
  ASSERT_TRUE(s3.ready()) << s3.error();
  auto c = config();
  c.storage = "s3";
  c.s3_endpoint = s3.endpoint();
  c.s3_region = s3.options().region;
  c.s3_bucket = s3.options().bucket;
  c.s3_access_key_id = s3.options().access_key;
  c.s3_secret_access_key = s3.options().secret;
  const auto storage = [&](const ServiceConfig& with) {
    return find(run_doctor(with, quick()), "storage");
  };

  const auto ok = storage(c);
  EXPECT_EQ(ok.status, CheckStatus::kOk) << ok.message;
  EXPECT_NE(ok.message.find("s3 ("), std::string::npos) << ok.message;
  EXPECT_NE(ok.message.find(s3.options().bucket), std::string::npos) << ok.message;

  auto wrong_key = c;
  wrong_key.s3_secret_access_key = "not-the-secret";
  const auto refused = storage(wrong_key);
  EXPECT_EQ(refused.code, "storage_auth_failed") << refused.message;
  EXPECT_NE(refused.message.find("S3_SECRET_ACCESS_KEY"), std::string::npos) << refused.message;
  EXPECT_EQ(refused.message.find("not-the-secret"), std::string::npos) << "secret leaked";

  auto no_bucket = c;
  no_bucket.s3_bucket = "no-such-bucket";
  const auto missing = storage(no_bucket);
  EXPECT_EQ(missing.code, "storage_bucket_missing") << missing.message;
  EXPECT_NE(missing.message.find("S3_BUCKET"), std::string::npos) << missing.message;

  auto down = c;
  down.s3_endpoint = "http://127.0.0.1:" + std::to_string(testing::unused_port());
  const auto unreachable = storage(down);
  EXPECT_EQ(unreachable.code, "storage_unreachable") << unreachable.message;
  EXPECT_NE(unreachable.message.find("Is it running"), std::string::npos) << unreachable.message;

  auto unset = c;
  unset.s3_bucket.clear();
  const auto invalid = storage(unset);
  EXPECT_EQ(invalid.code, "config_invalid") << invalid.message;
}

TEST_F(DoctorTest, PlaceholderAndMalformedHallo3Urls) {
  auto c = config();
  c.hallo3_url = "http://your-gpu-server:8000";
  auto results = run_doctor(c, quick());
  EXPECT_EQ(find(results, "hallo3.url").code, "gpu_misconfigured");
  EXPECT_NE(find(results, "hallo3.url").message.find("placeholder"), std::string::npos);
  EXPECT_EQ(find(results, "hallo3.reachable").status, CheckStatus::kSkipped);
  c.hallo3_url = "gpu-box:8000";
  results = run_doctor(c, quick());
  EXPECT_EQ(find(results, "hallo3.url").code, "gpu_misconfigured");
  c.hallo3_url.clear();
  c.default_engine = "hallo3";
  results = run_doctor(c, quick());
  EXPECT_EQ(find(results, "hallo3.url").code, "gpu_not_configured");
  EXPECT_NE(find(results, "hallo3.url").message.find("HALLO3_URL"), std::string::npos);
}

TEST_F(DoctorTest, ConnectionRefusedNamesTheCauses) {
  auto c = config();
  c.hallo3_url = "http://127.0.0.1:" + std::to_string(testing::unused_port());
  const auto results = run_doctor(c, quick());
  const auto& r = find(results, "hallo3.reachable");
  EXPECT_EQ(r.code, "gpu_unreachable");
  EXPECT_NE(r.message.find("connection refused"), std::string::npos);
  EXPECT_NE(r.message.find("port exposed"), std::string::npos);
  EXPECT_NE(r.message.find("bound to 0.0.0.0 rather than 127.0.0.1"), std::string::npos)
      << r.message;
  EXPECT_EQ(find(results, "hallo3.contract").status, CheckStatus::kSkipped);
}

TEST_F(DoctorTest, ServerThatNeverAnswersTimesOut) {
  testing::LoopbackServer silent;
  std::atomic<bool> stopping{false};
  silent.http().Get("/", [&](const httplib::Request&, httplib::Response& res) {
    testing::apply_simple_fault(Fault::kHang, res, stopping, 10);
  });
  ASSERT_TRUE(silent.start());
  auto c = config();
  c.hallo3_url = silent.url();
  const auto results = run_doctor(c, quick());
  stopping = true;
  const auto& r = find(results, "hallo3.reachable");
  EXPECT_EQ(r.code, "gpu_timeout");
  EXPECT_NE(r.message.find("timeout"), std::string::npos) << r.message;
}

TEST_F(DoctorTest, DnsAndConnectTimeoutMessages) {
  // Provoking these for real needs traffic beyond loopback (a resolver, an unroutable
  // address), so the classification's messages are checked directly.
  const fetch::BackendInfo b{"the Hallo3 server",   "gpu",
                             "http://gpu-box:8000", "HALLO3_URL",
                             "HALLO3_API_KEY",      "HALLO3_TIMEOUT_S"};
  fetch::CallRequest request;
  request.url = b.url;
  auto dns = fetch::describe_failure(b, {fetch::CallFailure::Kind::kDns, false, "", 0, ""}, request);
  EXPECT_EQ(dns.code, "gpu_unreachable");
  EXPECT_NE(dns.message.find("DNS"), std::string::npos);
  EXPECT_NE(dns.message.find("gpu-box"), std::string::npos);
  auto slow = fetch::describe_failure(b, {fetch::CallFailure::Kind::kConnectTimeout, false, "", 0, ""},
                                      request);
  EXPECT_NE(slow.message.find("connect timeout"), std::string::npos);
  EXPECT_NE(slow.message.find("firewall"), std::string::npos);
}

TEST_F(DoctorTest, WrongServerOnTheUrlIsAnHttpError) {
  testing::LoopbackServer other;  // answers GET / but has no /generate: 404
  other.http().Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>nginx</html>", "text/html");
  });
  ASSERT_TRUE(other.start());
  auto c = config();
  c.hallo3_url = other.url();
  const auto results = run_doctor(c, quick());
  EXPECT_EQ(find(results, "hallo3.reachable").status, CheckStatus::kOk);
  const auto& r = find(results, "hallo3.contract");
  EXPECT_EQ(r.code, "gpu_rejected");
  EXPECT_NE(r.message.find("HTTP 404"), std::string::npos) << r.message;
}

TEST_F(DoctorTest, Hallo3ContractAndGenerateAgainstARealSeedServer) {
  const auto portrait = testing::testdata("portraits/marble-statue.jpg");
  if (portrait.empty()) GTEST_SKIP() << "../shared/testdata is absent; skipping";
  testing::Hallo3ContractServer server(testing::Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  auto c = config();
  c.hallo3_url = server.url();
  c.hallo3_image_px = 256;
  auto options = quick();
  options.generate = true;
  options.portrait = portrait;
  auto results = run_doctor(c, options);
  EXPECT_TRUE(all_passed(results)) << to_json(results).dump(2);
  EXPECT_EQ(find(results, "hallo3.generate").status, CheckStatus::kOk);

  // Hallo3 answering, but with a broken video.
  server.faults().push(Fault::kNone);  // the contract probe
  server.faults().push(Fault::kTruncated);
  results = run_doctor(c, options);
  EXPECT_EQ(find(results, "hallo3.generate").code, "gpu_bad_output") << to_json(results).dump(2);

  // Hallo3 answering with a web page instead of a video (wrong content type).
  server.faults().push(Fault::kNone);
  server.faults().push(Fault::kHtml);
  results = run_doctor(c, options);
  const auto& html = find(results, "hallo3.generate");
  EXPECT_EQ(html.code, "gpu_bad_output");
  EXPECT_NE(html.message.find("text/html"), std::string::npos) << html.message;

  // HTTP 500 (out of GPU memory) on the contract probe.
  server.faults().push(Fault::kStatus500);
  results = run_doctor(c, options);
  const auto& oom = find(results, "hallo3.contract");
  EXPECT_EQ(oom.code, "gpu_http_error");
  EXPECT_NE(oom.message.find("CUDA out of memory"), std::string::npos) << oom.message;
}

TEST_F(DoctorTest, SpeechServicesReachabilityAndOneWordSynthesis) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  auto c = config();
  c.tts_http_url = server.seed_url();
  c.openai_tts_url = server.base_url();
  auto results = run_doctor(c, quick());
  EXPECT_TRUE(all_passed(results)) << to_json(results).dump(2);
  EXPECT_EQ(server.last_request()["input"], "Hello.");

  server.faults().push(Fault::kHtml);  // speech.http.synthesis (the GET probe gets a 404)
  results = run_doctor(c, quick());
  const auto& wrong_type = find(results, "speech.http.synthesis");
  EXPECT_EQ(wrong_type.code, "tts_bad_output");
  EXPECT_NE(wrong_type.message.find("text/html"), std::string::npos) << wrong_type.message;

  server.require_key("secret");
  results = run_doctor(c, quick());
  EXPECT_EQ(find(results, "speech.openai.synthesis").code, "tts_unauthorized");
  EXPECT_NE(find(results, "speech.openai.synthesis").message.find("OPENAI_TTS_API_KEY"),
            std::string::npos);
}

}  // namespace
}  // namespace pitchreel
