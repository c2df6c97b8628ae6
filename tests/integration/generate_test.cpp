// End to end: the real `pitchreel generate` binary renders short videos, which are then
// checked by probing them with libavformat, and its caption files are parsed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <thread>

#include "media/encoder.h"
#include "media/probe.h"
#include "support/s3_server.h"
#include "support/server_process.h"
#include "support/test_support.h"
#include "support/vtt_cues.h"

namespace pitchreel {
namespace {

using testing::parse_vtt;
using testing::run_pitchreel;
using testing::TempDir;

struct Shape {
  std::string aspect;
  int width, height;
  friend void PrintTo(const Shape& s, std::ostream* os) {
    *os << s.aspect << " " << s.width << "x" << s.height;
  }
};

class GenerateShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(GenerateShapes, RendersAValidFaststartMp4WithCaptions) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const auto out = dir / "video.mp4";
  const Shape shape = GetParam();
  auto r =
      run_pitchreel({"generate", "--image", image.string(), "--script",
                     "Meet the Aurora bottle. It keeps drinks cold all day. Order yours today.",
                     "--aspect", shape.aspect, "--height", "720", "--title", "--product-name",
                     "Aurora", "--preset", "ultrafast", "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["width"], shape.width);
  EXPECT_EQ(summary["height"], shape.height);
  EXPECT_TRUE(summary["stageSeconds"].contains("render"));

  auto info = probe(out);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->video_codec, "h264");
  EXPECT_EQ(info->pixel_format, "yuv420p");
  EXPECT_EQ(info->color_space, "bt709");
  EXPECT_EQ(info->color_primaries, "bt709");
  EXPECT_EQ(info->color_transfer, "bt709");
  EXPECT_EQ(info->width, shape.width);
  EXPECT_EQ(info->height, shape.height);
  EXPECT_NEAR(info->fps, 30.0, 1e-6);
  EXPECT_EQ(info->video_frames, std::llround(info->video_duration * 30));
  EXPECT_EQ(info->video_frames, summary["frames"].get<std::int64_t>());
  ASSERT_TRUE(info->has_audio);
  EXPECT_EQ(info->audio_codec, "aac");
  EXPECT_EQ(info->audio_profile, "LC");
  EXPECT_NEAR(info->audio_duration, info->video_duration, 1.0 / 30);
  EXPECT_TRUE(info->moov_before_mdat);

  const auto vtt = testing::read_file(dir / "video.vtt");
  ASSERT_EQ(vtt.rfind("WEBVTT", 0), 0u);
  const auto cues = parse_vtt(vtt);
  ASSERT_FALSE(cues.empty());
  double previous_end = 0;
  for (const auto& c : cues) {
    EXPECT_LT(c.start, c.end);
    EXPECT_GE(c.start, previous_end - 1e-3);
    EXPECT_LE(c.end, info->audio_duration + 1e-3);
    previous_end = c.end;
  }
  EXPECT_NE(testing::read_file(dir / "video.srt").find("-->"), std::string::npos);
  EXPECT_GT(std::filesystem::file_size(dir / "video.jpg"), 1000u);
}

INSTANTIATE_TEST_SUITE_P(AllShapes, GenerateShapes,
                         ::testing::Values(Shape{"16:9", 1280, 720}, Shape{"9:16", 720, 1280},
                                           Shape{"1:1", 720, 720}),
                         [](const auto& param_info) {
                           const auto& aspect = param_info.param.aspect;
                           return aspect == "16:9"   ? std::string("landscape")
                                  : aspect == "9:16" ? std::string("portrait")
                                                     : std::string("square");
                         });

// Every failure exits with 2, names the problem, and leaves nothing behind.
void expect_clean_failure(const TempDir& dir, const testing::CommandResult& r,
                          const std::string& code) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error[" + code + "]"), std::string::npos) << r.err;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const auto name = entry.path().filename().string();
    EXPECT_TRUE(name.rfind("input", 0) == 0 || name == "product.jpg") << "left behind: " << name;
  }
}

TEST(GenerateErrors, HtmlSavedAsJpegIsRefusedWithWhatItLooksLike) {
  TempDir dir;
  testing::write_file(dir / "input.jpg", "<!DOCTYPE html><html><body>Not found</body></html>");
  auto r = run_pitchreel({"generate", "--image", (dir / "input.jpg").string(), "--script", "Hello.",
                          "-o", (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "image_unreadable");
  EXPECT_NE(r.err.find("HTML"), std::string::npos);
  EXPECT_NE(r.err.find("input.jpg"), std::string::npos);
}

TEST(GenerateErrors, ScriptOf5000CharactersIsRefused) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script", std::string(5000, 'a'),
                          "-o", (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "script_too_long");
  EXPECT_NE(r.err.find("5000"), std::string::npos);
}

TEST(GenerateErrors, EmojiOnlyScriptIsRefused) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script",
                          "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89", "-o", (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "script_unspeakable");
}

TEST(GenerateErrors, MarkupOnlyScriptIsSpokenAsTextNotInterpreted) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  auto r =
      run_pitchreel({"generate", "--image", image.string(), "--script",
                     "<speak><break time=\"10s\"/></speak>", "--height", "720", "--preset",
                     "ultrafast", "--no-captions", "-o", (dir / "out.mp4").string(), "--json"});
  // Either refused as unspeakable or spoken as text; never a 10-second SSML pause.
  if (r.exit_code == 0) {
    EXPECT_LT(nlohmann::json::parse(r.out)["duration"].get<double>(), 10.0);
  } else {
    expect_clean_failure(dir, r, "script_unspeakable");
  }
}

TEST(GenerateErrors, BadOptionsExitWith2) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script", "Hi.", "--aspect",
                          "4:3", "-o", (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "invalid_aspect");
  r = run_pitchreel({"generate", "--image", image.string(), "--script", "Hi.", "--crf", "99", "-o",
                     (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "invalid_encoder_settings");
  r = run_pitchreel({"generate", "--image", image.string(), "-o", (dir / "out.mp4").string()});
  expect_clean_failure(dir, r, "script_missing");
  r = run_pitchreel({"generate", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
}

// PITCHREEL_X264_THREADING reaches the encoder of a `generate` run (its debug log says what
// x264 was opened with), and a value it does not know is refused before anything is made.
TEST(GenerateCli, X264ThreadingSettingReachesTheEncoder) {
  const auto run = [](const TempDir& dir, const std::string& threading) {
    const auto image = testing::product_jpeg_file(dir);
    return testing::run_command(
        {PITCHREEL_BINARY, "generate", "--image", image.string(), "--script", "Hi there.",
         "--height", "1080", "--preset", "ultrafast", "-o", (dir / "out.mp4").string()},
        {"PITCHREEL_X264_THREADING=" + threading, "PITCHREEL_LOG_LEVEL=debug"});
  };
  const unsigned cores = std::thread::hardware_concurrency();
  for (const bool full : {true, false}) {
    TempDir dir;
    const auto r = run(dir, full ? "full" : "lean");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const X264Threading expected = x264_threading({1920, 1080}, cores, full);
    const std::string opened = std::string("x264_threading=") + (full ? "full" : "lean") +
                               " frame_threads=" + std::to_string(expected.frame_threads);
    EXPECT_NE(r.err.find(opened), std::string::npos) << opened << "\n" << r.err;
  }
  TempDir dir;
  const auto bad = run(dir, "fastest");
  expect_clean_failure(dir, bad, "config_invalid");
  EXPECT_NE(bad.err.find("PITCHREEL_X264_THREADING"), std::string::npos) << bad.err;
}

TEST(GenerateCli, SuggestsAScriptWhenNoneIsGiven) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  auto r = run_pitchreel({"generate", "--image", image.string(), "--product-name", "Aurora Bottle",
                          "--description", "Keeps drinks cold for 24 hours. Fits any cup holder.",
                          "--height", "720", "--preset", "ultrafast", "-o",
                          (dir / "out.mp4").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto script = nlohmann::json::parse(r.out)["script"].get<std::string>();
  EXPECT_NE(script.find("Aurora Bottle"), std::string::npos);
  EXPECT_NE(script.find("cold for 24 hours"), std::string::npos);
}

TEST(GenerateCli, VoicesAndScriptCommands) {
  auto r = run_pitchreel({"voices", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto voices = nlohmann::json::parse(r.out);
  ASSERT_TRUE(voices.is_array());
  bool has_en_us = false;
  for (const auto& v : voices) {
    has_en_us |= v["id"] == "espeak:en-us";
    EXPECT_TRUE(v.contains("language") && v.contains("gender") && v.contains("name"));
  }
  EXPECT_TRUE(has_en_us);
  r = run_pitchreel(
      {"script", "--product-name", "Aurora", "--description", "<p>Keeps tea hot.</p>"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Aurora"), std::string::npos);
  EXPECT_EQ(r.out.find("<p>"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
