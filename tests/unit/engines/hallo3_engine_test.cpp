// Hallo3Engine against local servers speaking the two Hallo3 contracts faithfully
// (tests/support/hallo3_servers.h): real portraits, real WAV, real MP4 answers; then the
// faults the issue lists, with their asserted outcomes.
#include "engines/hallo3_engine.h"

#include <gtest/gtest.h>

#include <thread>

#include <opencv2/imgproc.hpp>

#include "media/image.h"
#include "media/probe.h"
#include "support/hallo3_servers.h"
#include "support/test_support.h"
#include "tts/espeak_engine.h"

namespace pitchreel {
namespace {

using testing::Fault;
using testing::Hallo3ContractServer;

const Speech& narration() {
  static const Speech speech = [] {
    EspeakEngine engine;
    auto s = engine.synthesize("Meet the Aurora bottle. It keeps coffee hot.", {});
    return s ? *s : Speech{};
  }();
  return speech;
}

Hallo3Settings settings_for(const std::string& url,
                            Hallo3Protocol protocol = Hallo3Protocol::kSeed) {
  Hallo3Settings s;
  s.url = url;
  s.protocol = protocol;
  s.timeout_s = 60;
  s.poll_s = 0.05;
  s.image_px = 256;
  s.retry.first_backoff = std::chrono::milliseconds(20);
  s.probe_s = 0.5;
  return s;
}

class Hallo3EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto portrait = testing::testdata("portraits/rendered-3d.jpg");
    if (portrait.empty()) GTEST_SKIP() << "../shared/testdata is absent; skipping";
    auto image = load_image(portrait);
    ASSERT_TRUE(image.has_value()) << image.error().message;
    job_.product = *image;
    job_.speech = &narration();
    job_.format.aspect = Aspect::kLandscape;
    job_.format.height = 720;
    job_.preset = "ultrafast";
    job_.video_path = dir_ / "out.mp4";
    job_.poster_path = dir_ / "out.jpg";
  }

  Result<RenderOutput> render(const Hallo3Settings& settings) {
    Hallo3Engine engine(settings);
    return engine.render(job_, progress_);
  }

  testing::TempDir dir_;
  RenderJob job_;
  NullProgress progress_;
};

TEST_F(Hallo3EngineTest, SeedContractComposesCaptionsOnTheReturnedVideo) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  auto out = render(settings_for(server.url()));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(server.last_image_side(), 256);
  EXPECT_EQ(server.last_audio_codec(), "pcm_s16le");
  EXPECT_GT(progress_.gpu_seconds(), 0);
  EXPECT_FALSE(out->cues.empty());
  auto info = probe(job_.video_path);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->width, 1280);
  EXPECT_EQ(info->height, 720);
  EXPECT_TRUE(info->has_audio);
  EXPECT_NEAR(info->video_duration, narration().duration(), 0.1);
  EXPECT_GT(std::filesystem::file_size(job_.poster_path), 1000u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out.mp4.gpu.mp4"));
}

TEST_F(Hallo3EngineTest, PassthroughKeepsTheServersVideoUntouched) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  job_.passthrough = true;
  auto out = render(settings_for(server.url()));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const auto answer = server.last_video();
  const std::string written = testing::read_file(job_.video_path);
  EXPECT_EQ(written, std::string(answer.begin(), answer.end()));
  EXPECT_TRUE(out->cues.empty());
  EXPECT_TRUE(std::filesystem::exists(job_.poster_path));
}

TEST_F(Hallo3EngineTest, AsyncContractWithBearerKeyBase64AndUrlAnswers) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kAsync, "gpu-key");
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server.url(), Hallo3Protocol::kAsync);
  settings.api_key = "gpu-key";
  auto out = render(settings);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(server.generations(), 1);
  server.answer_with_url(true);
  auto again = render(settings);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  auto info = probe(job_.video_path);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->width, 1280);

  settings.api_key = "wrong";
  auto refused = render(settings);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "gpu_unauthorized");
  EXPECT_NE(refused.error().message.find("HALLO3_API_KEY"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("wrong"), std::string::npos);
}

TEST_F(Hallo3EngineTest, AsyncJobFailureCarriesTheServersMessage) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kAsync);
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kStatus500);
  auto out = render(settings_for(server.url(), Hallo3Protocol::kAsync));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "gpu_job_failed");
  EXPECT_NE(out.error().message.find("CUDA out of memory"), std::string::npos)
      << out.error().message;
}

TEST_F(Hallo3EngineTest, PortraitWithoutAFaceIsRefusedBeforeAnyGpuTime) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  job_.product = cv::Mat(480, 640, CV_8UC3, cv::Scalar(40, 120, 200));
  cv::rectangle(job_.product, cv::Rect(200, 100, 240, 280), cv::Scalar(250, 250, 250), cv::FILLED);
  auto out = render(settings_for(server.url()));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "no_face_found");
  EXPECT_EQ(server.faults().requests(), 0);
  EXPECT_EQ(progress_.gpu_seconds(), 0);
}

TEST_F(Hallo3EngineTest, ConnectionRefusedNamesTheLikelyCauses) {
  auto settings = settings_for("http://127.0.0.1:" + std::to_string(testing::unused_port()));
  settings.retry.attempts = 2;
  auto out = render(settings);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "gpu_unreachable");
  EXPECT_NE(out.error().message.find("connection refused"), std::string::npos);
  EXPECT_NE(out.error().message.find("0.0.0.0"), std::string::npos) << out.error().message;
}

TEST_F(Hallo3EngineTest, ServiceUnavailableThenSuccessIsRetried) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kStatus503);
  auto out = render(settings_for(server.url()));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(server.faults().requests(), 2);
}

TEST_F(Hallo3EngineTest, BadRequestIsNotRetried) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kStatus400, 3);
  auto out = render(settings_for(server.url()));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "gpu_rejected");
  EXPECT_EQ(server.faults().requests(), 1);
}

TEST_F(Hallo3EngineTest, HangPastTheTimeoutFails) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kHang, 3);
  auto settings = settings_for(server.url());
  settings.timeout_s = 1;
  settings.retry.attempts = 1;
  auto out = render(settings);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, "gpu_timeout");
  EXPECT_NE(out.error().message.find("HALLO3_TIMEOUT_S"), std::string::npos);
  EXPECT_GE(progress_.gpu_seconds(), 0.9);  // the wait is charged though nothing came back
}

TEST_F(Hallo3EngineTest, TruncatedOrNonMp4AnswersAreBadOutput) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kTruncated);
  auto truncated = render(settings_for(server.url()));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, "gpu_bad_output") << truncated.error().message;
  server.faults().push(Fault::kGarbage);
  auto garbage = render(settings_for(server.url()));
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, "gpu_bad_output") << garbage.error().message;
  EXPECT_FALSE(std::filesystem::exists(job_.video_path));
}

TEST_F(Hallo3EngineTest, FlappingBackendGoesUnhealthyThenHealthyAgain) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server.url());
  settings.unhealthy_after = 2;
  settings.retry.attempts = 1;
  server.faults().push(Fault::kStatus500, 2);
  EXPECT_EQ(render(settings).error().code, "gpu_http_error");
  EXPECT_EQ(render(settings).error().code, "gpu_http_error");
  auto refused = render(settings);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "gpu_unhealthy");
  EXPECT_NE(refused.error().message.find("CUDA out of memory"), std::string::npos);
  EXPECT_EQ(server.faults().requests(), 2) << "an unhealthy backend must not be called";
  EXPECT_FALSE(hallo3_health(settings)->snapshot().healthy);

  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto probe_job = render(settings);
  ASSERT_TRUE(probe_job.has_value()) << probe_job.error().message;
  EXPECT_TRUE(hallo3_health(settings)->snapshot().healthy);
}

TEST(Hallo3Settings, RefusesMissingPlaceholderAndMalformedUrls) {
  EXPECT_EQ(check_hallo3_url("").error().code, "gpu_not_configured");
  EXPECT_EQ(check_hallo3_url("http://your-gpu-server:8000").error().code, "gpu_misconfigured");
  EXPECT_EQ(check_hallo3_url("ftp://10.0.0.1:8000").error().code, "gpu_misconfigured");
  EXPECT_EQ(check_hallo3_url("http://exa mple:80").error().code, "gpu_misconfigured");
  EXPECT_TRUE(check_hallo3_url("http://203.0.113.7:8000").has_value());
}

}  // namespace
}  // namespace pitchreel
