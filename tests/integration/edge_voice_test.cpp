// `pitchreel generate` with an Edge voice, end to end against the local read-aloud server
// over TLS (tests/support/edge_servers.h): captions timed by the service's word
// boundaries, and a failing service either failing the job with tts_unavailable or, with
// PITCHREEL_TTS_FALLBACK=espeak, handing over to the offline voice with a warning.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "support/edge_servers.h"
#include "support/server_process.h"
#include "support/test_support.h"
#include "support/vtt_cues.h"

namespace pitchreel {
namespace {

using testing::EdgeTtsServer;
using testing::run_pitchreel;
using testing::TempDir;

std::filesystem::path edge_config(const TempDir& dir, const EdgeTtsServer& server,
                                  const std::string& extra = "") {
  const auto path = dir / "pitchreel.env";
  testing::write_file(path, "EDGE_TTS_URL=" + server.base_url() + "\nEDGE_TTS_CA_FILE=" +
                                server.ca_file() + "\nPITCHREEL_DATA_DIR=" +
                                (dir / "data").string() + "\nTTS_TIMEOUT_S=30\n" + extra);
  return path;
}

TEST(EdgeVoiceCli, CaptionsFollowTheServicesWordBoundaries) {
  EdgeTtsServer server;
  ASSERT_TRUE(server.ok());
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const auto out = dir / "video.mp4";
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script",
                          "Meet the Aurora bottle. It keeps drinks cold all day.", "--voice",
                          "edge:en-US-AriaNeural", "--config", edge_config(dir, server).string(),
                          "--height", "720", "--preset", "ultrafast", "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_TRUE(summary["warnings"].empty());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].status, 101);

  // The captions span exactly what the service says the words span, shifted by the
  // video's lead-in before the speech starts.
  const Speech served = server.last_speech();
  ASSERT_FALSE(served.words.empty());
  const auto cues = testing::parse_vtt(testing::read_file(dir / "video.vtt"));
  ASSERT_FALSE(cues.empty());
  const double lead_in = cues.front().start - served.words.front().start;
  EXPECT_GE(lead_in, 0.0);
  EXPECT_LT(lead_in, 1.0);
  EXPECT_NEAR(cues.back().end - lead_in, served.words.back().end, 0.05);
}

TEST(EdgeVoiceCli, AFailingServiceFailsTheJobOrFallsBackWithAWarning) {
  EdgeTtsServer server(EdgeTtsServer::Fault::kForbidAlways);
  ASSERT_TRUE(server.ok());
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const std::vector<std::string> common = {
      "generate", "--image", image.string(), "--script", "Guten Tag. Der Becher hält warm.",
      "--voice", "edge:de-DE-KatjaNeural", "--height", "720", "--preset", "ultrafast"};

  auto args = common;
  args.insert(args.end(), {"--config", edge_config(dir, server).string(), "-o",
                           (dir / "failed.mp4").string(), "--json"});
  auto failed = run_pitchreel(args);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE((failed.out + failed.err).find("tts_unavailable"), std::string::npos)
      << failed.out << failed.err;
  EXPECT_NE((failed.out + failed.err).find("HTTP 403"), std::string::npos);

  args = common;
  args.insert(args.end(),
              {"--config", edge_config(dir, server, "PITCHREEL_TTS_FALLBACK=espeak\n").string(),
               "-o", (dir / "fallback.mp4").string(), "--json"});
  auto fallback = run_pitchreel(args);
  ASSERT_EQ(fallback.exit_code, 0) << fallback.err << fallback.out;
  const auto summary = nlohmann::json::parse(fallback.out);
  ASSERT_EQ(summary["warnings"].size(), 1u);
  EXPECT_EQ(summary["warnings"][0]["code"], "tts_fallback");
  const std::string warning = summary["warnings"][0]["message"];
  EXPECT_NE(warning.find("espeak:de"), std::string::npos) << warning;
  EXPECT_NE(fallback.err.find("warning[tts_fallback]: "), std::string::npos) << fallback.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "fallback.mp4"));
}

TEST(EdgeVoiceCli, VoicesByLanguageIncludeEspeakMandarin) {
  // Offline: the child inherits the environment; no voice list from the internet.
  ::setenv("EDGE_TTS", "off", 1);
  auto r = run_pitchreel({"voices", "--language", "zh", "--json"});
  ::unsetenv("EDGE_TTS");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto voices = nlohmann::json::parse(r.out);
  bool mandarin = false;
  for (const auto& v : voices) {
    EXPECT_EQ(v["language"], "zh") << v.dump();
    mandarin |= v["id"] == "espeak:cmn";
  }
  EXPECT_TRUE(mandarin) << r.out;
}

}  // namespace
}  // namespace pitchreel
