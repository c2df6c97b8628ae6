// The remote backends end to end through the real `pitchreel serve` and the CLI: a job with
// engine hallo3 against a local Hallo3 contract server, with a remote voice from a local
// speech service; GPU time in /metrics; Hallo3 health in /readyz; the refusals at submission
// when a backend is not configured; `pitchreel doctor`'s exit status and JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

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
                                                    {"OPENAI_TTS_URL", tts.base_url()}}));
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

  auto metrics = cli.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pitchreel_gpu_seconds_count"), std::string::npos) << metrics->body;
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

}  // namespace
}  // namespace pitchreel
