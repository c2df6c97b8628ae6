// The remote backends end to end through the real `pitchreel serve` and the CLI: a job with
// engine hallo3 against a local Hallo3 contract server, with a remote voice from a local
// speech service; GPU time in /metrics; Hallo3 health in /readyz; the refusals at submission
// when a backend is not configured; `pitchreel doctor`'s exit status and JSON;
// `pitchreel generate --engine hallo3 --avatar ... --layout ...` with the GPU's face placed
// in the presenter's layouts.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "media/jpeg_writer.h"
#include "media/probe.h"
#include "render/frame_layout.h"
#include "support/composed_video.h"
#include "support/hallo3_servers.h"
#include "support/loopback_server.h"
#include "support/server_process.h"
#include "support/test_support.h"
#include "support/tts_servers.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;

TEST(RemoteBackends, Hallo3JobWithARemoteVoiceThroughTheService) {
  const auto portrait = testing::testdata("portraits/rendered-3d.jpg");
  if (portrait.empty()) GTEST_SKIP() << "../shared/testdata is absent; skipping";
  testing::Hallo3ContractServer gpu(testing::Hallo3ContractServer::Protocol::kAsync, "gpu-key");
  testing::TtsContractServer tts;
  ASSERT_TRUE(gpu.ok() && tts.ok());
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data", {{"HALLO3_URL", gpu.url()},
                                                    {"HALLO3_PROTOCOL", "async"},
                                                    {"HALLO3_API_KEY", "gpu-key"},
                                                    {"HALLO3_POLL_S", "1"},
                                                    {"HALLO3_IMAGE_PX", "256"},
                                                    {"OPENAI_TTS_URL", tts.base_url()},
                                                    {"PITCHREEL_OPERATOR_TOKEN", "operator-secret-1"}}));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();

  auto voices = cli.Get("/api/v1/voices");
  ASSERT_TRUE(voices);
  const json listed = testing::json_body(voices);
  bool has_openai = false;
  for (const auto& v : listed["voices"]) has_openai |= v["id"] == "openai:nova";
  EXPECT_TRUE(has_openai) << voices->body;

  const auto form = testing::job_form(testing::read_file(portrait),
                                      {{"script", "Meet the Aurora bottle. It keeps coffee hot."},
                                       {"voice", "openai:nova"},
                                       {"engine", "hallo3"},
                                       {"height", "720"}});
  auto submitted = cli.Post("/api/v1/jobs", form);
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted)["id"];
  const auto job = testing::wait_for_job(cli, id, {"succeeded", "failed"});
  ASSERT_EQ(job["status"], "succeeded") << job.dump() << server.diagnostics();
  EXPECT_EQ(gpu.generations(), 1);
  EXPECT_EQ(tts.last_request()["voice"], "nova");
  EXPECT_GT(job["gpuSeconds"].get<double>(), 0) << job.dump();
  EXPECT_EQ(job["video"]["gpuSeconds"], job["gpuSeconds"]) << job.dump();

  // Anonymous scrapes (and users) see GPU seconds added up; the operator sees them by
  // organisation.
  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pitchreel_gpu_seconds_count 1\n"), std::string::npos) << metrics->body;
  EXPECT_EQ(metrics->body.find("organization="), std::string::npos) << metrics->body;
  auto as_operator = server.client("operator-secret-1").Get("/metrics");
  ASSERT_TRUE(as_operator);
  const std::string org = testing::json_body(cli.Get("/api/v1/me"))["organizationId"];
  EXPECT_NE(as_operator->body.find("pitchreel_gpu_seconds_count{organization=\"" + org + "\"} 1"), std::string::npos)
      << as_operator->body;
  auto ready = server.anonymous_client().Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(testing::json_body(ready)["checks"]["hallo3"], "ok") << ready->body;
}

TEST(RemoteBackends, UnconfiguredBackendsAreRefusedAtSubmission) {
  TempDir tmp;
  ServerProcess server(ServerOptions(tmp / "data"));
  ASSERT_SERVER_READY(server);
  auto cli = server.client();
  const auto image = testing::product_jpeg();
  auto gpu = cli.Post("/api/v1/jobs",
                      testing::job_form(image, {{"script", "Hello there."}, {"engine", "hallo3"}}));
  ASSERT_TRUE(gpu);
  EXPECT_EQ(gpu->status, 400) << gpu->body;
  EXPECT_NE(gpu->body.find("gpu_not_configured"), std::string::npos) << gpu->body;
  EXPECT_NE(gpu->body.find("HALLO3_URL"), std::string::npos) << gpu->body;
  auto unknown = cli.Post(
      "/api/v1/jobs", testing::job_form(image, {{"script", "Hello there."}, {"engine", "sora"}}));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("engine_unknown"), std::string::npos) << unknown->body;
  auto voice =
      cli.Post("/api/v1/jobs",
               testing::job_form(image, {{"script", "Hello there."}, {"voice", "openai:alloy"}}));
  ASSERT_TRUE(voice);
  EXPECT_EQ(voice->status, 400);
  EXPECT_NE(voice->body.find("OPENAI_TTS_URL"), std::string::npos) << voice->body;
}

TEST(RemoteBackends, DoctorExitStatusAndJson) {
  TempDir tmp;
  const auto config = tmp / "pitchreel.env";
  testing::write_file(config, "PITCHREEL_DATA_DIR=" + (tmp / "data").string() + "\n");
  auto ok = testing::run_pitchreel({"doctor", "--config", config.string(), "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(json::parse(ok.out, nullptr, false)["ok"], true) << ok.out;

  testing::write_file(
      config, "PITCHREEL_DATA_DIR=" + (tmp / "data").string() +
                  "\nHALLO3_URL=http://127.0.0.1:" + std::to_string(testing::unused_port()) + "\n");
  auto refused = testing::run_pitchreel({"doctor", "--config", config.string()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("connection refused"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("FAIL hallo3.reachable"), std::string::npos) << refused.out;
}

struct LayoutCase {
  std::string layout, aspect;
  int width, height;
};

void PrintTo(const LayoutCase& c, std::ostream* os) {
  *os << c.layout << " " << c.aspect << " " << c.width << "x" << c.height;
}

class Hallo3Layouts : public ::testing::TestWithParam<LayoutCase> {};

TEST_P(Hallo3Layouts, GenerateWithAnAvatarPutsTheGpuFaceInTheLayout) {
  PITCHREEL_REQUIRE_TESTDATA(avatar, "portraits/rendered-3d.jpg");
  const LayoutCase c = GetParam();
  testing::Hallo3ContractServer gpu(testing::Hallo3ContractServer::Protocol::kSeed);
  ASSERT_TRUE(gpu.ok());
  TempDir dir;
  const auto config = dir / "pitchreel.env";
  testing::write_file(config, "HALLO3_URL=" + gpu.url() + "\nHALLO3_IMAGE_PX=256\n");
  ASSERT_TRUE(write_jpeg(testing::green_product(), dir / "product.jpg").has_value());
  const auto out = dir / "video.mp4";
  auto r = testing::run_pitchreel({"generate",
                                   "--engine",
                                   "hallo3",
                                   "--config",
                                   config.string(),
                                   "--image",
                                   (dir / "product.jpg").string(),
                                   "--avatar",
                                   avatar.string(),
                                   "--layout",
                                   c.layout,
                                   "--aspect",
                                   c.aspect,
                                   "--height",
                                   "720",
                                   "--script",
                                   "Meet the Aurora bottle. It keeps coffee hot.",
                                   "--preset",
                                   "ultrafast",
                                   "-o",
                                   out.string(),
                                   "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(gpu.generations(), 1);
  EXPECT_GT(json::parse(r.out, nullptr, false).value("gpuSeconds", 0.0), 0) << r.out;

  auto info = probe(out);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->width, c.width);
  EXPECT_EQ(info->height, c.height);
  ASSERT_TRUE(info->has_audio);
  EXPECT_EQ(info->audio_codec, "aac");
  EXPECT_NEAR(info->audio_duration, info->video_duration, 0.05);
  const auto answered = gpu.last_video();
  testing::write_file(dir / "answer.mp4", std::string(answered.begin(), answered.end()));
  auto answer = probe(dir / "answer.mp4");
  ASSERT_TRUE(answer.has_value());
  // The layout's clock: 0.5 s lead-in and 0.8 s tail around the GPU's (the narration's) length.
  EXPECT_NEAR(info->video_duration, answer->video_duration + 1.3, 0.1);
  EXPECT_NE(testing::read_file(dir / "video.vtt").find("-->"), std::string::npos);

  const cv::Size size(c.width, c.height);
  const auto layout = make_layout(*parse_layout(c.layout), size, false, true);
  const auto reference = testing::GpuPanel::in(layout, testing::decode_frames(dir / "answer.mp4"));
  const auto composed = testing::decode_frames(out);
  ASSERT_FALSE(composed.empty());
  const auto match = testing::match_panel(composed, reference);
  EXPECT_GT(match.frames_checked, 20);
  EXPECT_LT(match.error, 6) << "the panel shows the GPU's frame due at its time";
  EXPECT_LT(match.error * 1.5, match.wrong_time_error);
  EXPECT_LT(match.lead_in_error, 6);
  const cv::Scalar scene = cv::mean(composed[composed.size() / 2](layout.product));
  EXPECT_GT(scene[1], scene[2] + 40) << "the product scene beside the panel";
}

INSTANTIATE_TEST_SUITE_P(PresenterAndSplit, Hallo3Layouts,
                         ::testing::Values(LayoutCase{"presenter", "16:9", 1280, 720},
                                           LayoutCase{"split", "1:1", 720, 720}),
                         [](const auto& param_info) { return param_info.param.layout; });

}  // namespace
}  // namespace pitchreel
