// Hallo3Engine against local servers speaking the two Hallo3 contracts faithfully
// (tests/support/hallo3_servers.h): real portraits, real WAV, real MP4 answers; then the
// faults the issue lists, with their asserted outcomes.
#include "engines/hallo3_engine.h"

#include <gtest/gtest.h>

#include <thread>

#include <opencv2/imgproc.hpp>

#include "media/image.h"
#include "media/probe.h"
#include "presenter/face_detector.h"
#include "render/frame_layout.h"
#include "render/timeline.h"
#include "support/composed_video.h"
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

// The lips' box in a picture, a quarter larger each way: where captions must not be.
cv::Rect lips_in(const cv::Mat& picture) {
  auto face = detect_face(picture);
  if (!face) return {};
  const std::vector<cv::Point2f> lips(face->points.begin() + 48, face->points.end());
  const cv::Rect box = cv::boundingRect(lips);
  return {box.x - box.width / 4, box.y - box.height / 4, box.width * 3 / 2, box.height * 3 / 2};
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

  // The portrait becomes the presenter (the GPU animates it), the product a green card.
  void use_presenter(Layout layout) {
    auto face = detect_face(job_.product);
    ASSERT_TRUE(face.has_value()) << face.error().message;
    job_.presenter = PresenterInput{job_.product, *face};
    job_.product = testing::green_product();
    job_.layout = layout;
  }

  // The GPU video as the server sent it, decoded.
  std::vector<cv::Mat> gpu_frames(const Hallo3ContractServer& server) {
    const auto answer = server.last_video();
    testing::write_file(dir_ / "answer.mp4", std::string(answer.begin(), answer.end()));
    return testing::decode_frames(dir_ / "answer.mp4");
  }

  testing::TempDir dir_;
  RenderJob job_;
  NullProgress progress_;
};

// The presenter layouts with the GPU's face: the layout's clock (lead-in and tail around
// the narration), the GPU's frames in the panel, on time, the product around it, captions
// off the mouth.
void expect_gpu_face_in_layout(const RenderJob& job, const RenderOutput& out,
                               const std::vector<cv::Mat>& gpu, double min_luma_range) {
  const cv::Size size(job.format.width_px(), job.format.height_px());
  const Timeline timeline = make_timeline(narration().duration(), job.format.fps);
  auto info = probe(job.video_path);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->width, size.width);
  EXPECT_EQ(info->height, size.height);
  EXPECT_NEAR(info->video_duration, timeline.duration(), 0.05);
  ASSERT_TRUE(info->has_audio);
  EXPECT_NEAR(info->audio_duration, info->video_duration, 0.05);
  ASSERT_FALSE(out.cues.empty());
  EXPECT_GE(out.cues.front().start, timeline.lead_in - 0.01) << "cues on the video's clock";
  EXPECT_EQ(out.frames, timeline.frame_count);

  const FrameLayout layout = make_layout(job.layout, size, !job.title.empty(), job.captions);
  const auto composed = testing::decode_frames(job.video_path);
  ASSERT_EQ(static_cast<std::int64_t>(composed.size()), timeline.frame_count);
  auto poster = load_image(job.poster_path);
  ASSERT_TRUE(poster.has_value());
  const cv::Rect mouth = lips_in(*poster);
  ASSERT_FALSE(mouth.empty()) << "the poster shows the GPU's face";
  EXPECT_EQ(mouth & layout.presenter, mouth) << "the face is inside the panel";

  auto reference = testing::GpuPanel::in(layout, gpu);
  reference.lead_in = timeline.lead_in;
  reference.fps = job.format.fps;
  const auto match = testing::match_panel(composed, reference, mouth);
  EXPECT_GT(match.frames_checked, 20);
  EXPECT_LT(match.error, 6) << "the panel shows the GPU frame due at its time";
  EXPECT_LT(match.error * 1.5, match.wrong_time_error) << "and not one from elsewhere";
  EXPECT_LT(match.lead_in_error, 6) << "the GPU's first frame during the lead-in";
  EXPECT_GT(match.luma_range, min_luma_range) << "the GPU's frames move";
  EXPECT_LT(match.worst_region_error, 10) << "nothing drawn over the mouth";

  // The product scene fills what the panel leaves: green, not the portrait.
  const cv::Mat& middle = composed[composed.size() / 2];
  const cv::Scalar product = cv::mean(middle(layout.product));
  EXPECT_GT(product[1], product[0] + 40);
  EXPECT_GT(product[1], product[2] + 40);
}

TEST_F(Hallo3EngineTest, PipLayoutShowsTheGpuFramesInTheRoundedWindow) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  use_presenter(Layout::kPip);
  job_.title = "Aurora";
  auto out = render(settings_for(server.url()));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_GT(progress_.gpu_seconds(), 0);
  expect_gpu_face_in_layout(job_, *out, gpu_frames(server), 8);

  // The rounded corner shows the product behind the window, not the GPU's picture.
  const cv::Size size(job_.format.width_px(), job_.format.height_px());
  const FrameLayout layout = make_layout(Layout::kPip, size, true, true);
  const auto composed = testing::decode_frames(job_.video_path);
  const cv::Vec3b corner = composed[composed.size() / 2].at<cv::Vec3b>(layout.presenter.tl());
  EXPECT_GT(corner[1], corner[2] + 30) << "green behind the rounded corner";
}

TEST_F(Hallo3EngineTest, PresenterLayoutInPortraitShapeShowsTheGpuFramesInThePanel) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kAsync);
  ASSERT_TRUE(server.ok());
  use_presenter(Layout::kPresenter);
  job_.format.aspect = Aspect::kPortrait;
  auto out = render(settings_for(server.url(), Hallo3Protocol::kAsync));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  expect_gpu_face_in_layout(job_, *out, gpu_frames(server), 8);
}

TEST_F(Hallo3EngineTest, ShowcaseWithAPortraitKeepsTheFullFrameCompose) {
  Hallo3ContractServer server(Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(server.ok());
  use_presenter(Layout::kShowcase);
  auto out = render(settings_for(server.url()));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  auto info = probe(job_.video_path);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->width, 1280);
  EXPECT_NEAR(info->video_duration, narration().duration(), 0.1) << "no lead-in, no tail";
  // The GPU's picture fills the middle of the frame (no product scene).
  auto poster = load_image(job_.poster_path);
  ASSERT_TRUE(poster.has_value());
  auto face = detect_face(*poster);
  ASSERT_TRUE(face.has_value()) << face.error().message;
  const cv::Point2f centre = (face->face.tl() + face->face.br()) * 0.5f;
  EXPECT_NEAR(centre.x, 640, 80);
}

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
  settings.probe_s = 3600;  // only the test's clock can reach the probe
  // The breaker is shared per URL for the process: a clock of its own, handed back at the end.
  auto now = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  const auto health = hallo3_health(settings);
  health->use_clock([now] { return *now; });
  const std::shared_ptr<void> real_clock(nullptr, [health](void*) {
    health->use_clock([] { return std::chrono::steady_clock::now(); });
  });
  server.faults().push(Fault::kStatus500, 2);
  EXPECT_EQ(render(settings).error().code, "gpu_http_error");
  EXPECT_EQ(render(settings).error().code, "gpu_http_error");
  auto refused = render(settings);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "gpu_unhealthy");
  EXPECT_NE(refused.error().message.find("CUDA out of memory"), std::string::npos);
  EXPECT_EQ(server.faults().requests(), 2) << "an unhealthy backend must not be called";
  EXPECT_FALSE(hallo3_health(settings)->snapshot().healthy);

  *now += std::chrono::minutes(59);
  EXPECT_EQ(render(settings).error().code, "gpu_unhealthy") << "probed before probe_s passed";
  EXPECT_EQ(server.faults().requests(), 2);
  *now += std::chrono::minutes(1);
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
