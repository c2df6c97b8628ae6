// End to end with a presenter: the real `pitchreel generate --avatar` renders every layout
// in every shape; the videos pass the same probe checks as the product-only ones, the
// presenter's face is found again in the poster where the layout put it, a recorded
// narration drives a video without a script, and bad portraits fail cleanly.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "media/audio_decode.h"
#include "media/image.h"
#include "media/probe.h"
#include "presenter/face_detector.h"
#include "render/timeline.h"
#include "support/audio_encode.h"
#include "support/server_process.h"
#include "support/test_support.h"
#include "support/vtt_cues.h"

namespace pitchreel {
namespace {

using testing::run_pitchreel;
using testing::TempDir;

void expect_valid_video(const std::filesystem::path& path, int width, int height) {
  auto info = probe(path);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->video_codec, "h264");
  EXPECT_EQ(info->pixel_format, "yuv420p");
  EXPECT_EQ(info->color_space, "bt709");
  EXPECT_EQ(info->width, width);
  EXPECT_EQ(info->height, height);
  EXPECT_NEAR(info->fps, 30.0, 1e-6);
  EXPECT_EQ(info->video_frames, std::llround(info->video_duration * 30));
  ASSERT_TRUE(info->has_audio);
  EXPECT_EQ(info->audio_codec, "aac");
  EXPECT_NEAR(info->audio_duration, info->video_duration, 1.0 / 30);
  EXPECT_TRUE(info->moov_before_mdat);
}

struct Case {
  std::string layout, aspect;
  int width, height;
  friend void PrintTo(const Case& c, std::ostream* os) {
    *os << c.layout << " " << c.aspect << " " << c.width << "x" << c.height;
  }
};

class PresenterLayouts : public ::testing::TestWithParam<Case> {};

TEST_P(PresenterLayouts, RendersAValidVideoWithTheFaceWhereTheLayoutPutsIt) {
  PITCHREEL_REQUIRE_TESTDATA(avatar, "portraits/rendered-3d.jpg");
  TempDir dir;
  const Case c = GetParam();
  const auto out = dir / "video.mp4";
  auto r = run_pitchreel({"generate", "--image",       testing::product_jpeg_file(dir).string(),
                          "--avatar", avatar.string(), "--layout",
                          c.layout,   "--script",      "Meet Aurora. It keeps drinks cold all day.",
                          "--aspect", c.aspect,        "--height",
                          "720",      "--title",       "--product-name",
                          "Aurora",   "--preset",      "ultrafast",
                          "-o",       out.string(),    "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  expect_valid_video(out, c.width, c.height);
  const auto cues = testing::read_file(dir / "video.vtt");
  EXPECT_NE(cues.find("-->"), std::string::npos);

  // The poster shows the presenter: one face, in the half of the frame the layout says.
  auto poster = load_image(dir / "video.jpg");
  ASSERT_TRUE(poster.has_value());
  auto face = detect_face(*poster);
  ASSERT_TRUE(face.has_value()) << face.error().message;
  const cv::Point2f centre = (face->face.tl() + face->face.br()) * 0.5f;
  if (c.layout == "pip") {
    EXPECT_GT(centre.x, c.width * 0.5f);
    EXPECT_LT(centre.y, c.height * 0.5f);
  } else if (c.aspect == "9:16") {
    EXPECT_LT(centre.y, c.height * 0.5f);
  } else {
    EXPECT_LT(centre.x, c.width * 0.5f);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllShapes, PresenterLayouts,
    ::testing::Values(Case{"presenter", "16:9", 1280, 720}, Case{"presenter", "9:16", 720, 1280},
                      Case{"presenter", "1:1", 720, 720}, Case{"split", "16:9", 1280, 720},
                      Case{"split", "9:16", 720, 1280}, Case{"split", "1:1", 720, 720},
                      Case{"pip", "16:9", 1280, 720}, Case{"pip", "9:16", 720, 1280},
                      Case{"pip", "1:1", 720, 720}),
    [](const auto& param_info) {
      const auto& a = param_info.param.aspect;
      return param_info.param.layout + "_" +
             (a == "16:9"   ? std::string("landscape")
              : a == "9:16" ? "portrait"
                            : "square");
    });

TEST(PresenterGenerate, RecordedNarrationWithoutScriptHasNoCaptions) {
  PITCHREEL_REQUIRE_TESTDATA(avatar, "portraits/pencil-sketch.jpg");
  PITCHREEL_REQUIRE_TESTDATA(audio, "speech/speech-1.wav");
  TempDir dir;
  const auto out = dir / "video.mp4";
  auto r = run_pitchreel({"generate", "--image", testing::product_jpeg_file(dir).string(),
                          "--avatar", avatar.string(), "--audio", audio.string(), "--height", "720",
                          "--preset", "ultrafast", "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  expect_valid_video(out, 1280, 720);
  auto info = probe(out);
  ASSERT_TRUE(info.has_value());
  // The narration (about 7.5 s) plus the lead-in and tail.
  EXPECT_GT(info->video_duration, 7.0);
  EXPECT_LT(info->video_duration, 10.0);
  EXPECT_EQ(testing::read_file(dir / "video.vtt").find("-->"), std::string::npos);
}

TEST(PresenterGenerate, RecordedNarrationWithScriptSpreadsCaptionsOverTheSpeech) {
  PITCHREEL_REQUIRE_TESTDATA(avatar, "portraits/painted-girl.jpg");
  PITCHREEL_REQUIRE_TESTDATA(audio, "speech/speech-2.wav");
  TempDir dir;
  const auto out = dir / "video.mp4";
  auto r = run_pitchreel({"generate", "--image", testing::product_jpeg_file(dir).string(),
                          "--avatar", avatar.string(), "--audio", audio.string(), "--script",
                          "These are the words of the narration, shown as it is spoken.",
                          "--layout", "split", "--height", "720", "--preset", "ultrafast", "-o",
                          out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  expect_valid_video(out, 1280, 720);
  const auto vtt = testing::read_file(dir / "video.vtt");
  EXPECT_NE(vtt.find("narration"), std::string::npos);
}

// RMS of `samples` in consecutive windows of `window` seconds.
std::vector<double> loudness(const std::vector<float>& samples, int rate, double window) {
  const auto n = static_cast<std::size_t>(window * rate);
  std::vector<double> out;
  for (std::size_t a = 0; a + n <= samples.size(); a += n) {
    double e = 0;
    for (std::size_t i = a; i < a + n; ++i) e += static_cast<double>(samples[i]) * samples[i];
    out.push_back(std::sqrt(e / static_cast<double>(n)));
  }
  return out;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

TEST(PresenterGenerate, Mp3NarrationPlaysInTheVideoWithCaptionsSpreadOverTheSpeech) {
  PITCHREEL_REQUIRE_TESTDATA(avatar, "portraits/rendered-3d.jpg");
  PITCHREEL_REQUIRE_TESTDATA(wav, "speech/speech-1.wav");
  TempDir dir;
  // The recorded narration as an MP3 (libmp3lame), as a user would bring it.
  auto recorded = decode_audio_file(wav, {.target_rate = 0});
  ASSERT_TRUE(recorded.has_value()) << recorded.error().message;
  const auto mp3 =
      testing::encode_audio(recorded->samples, recorded->sample_rate, testing::AudioFormat::kMp3);
  ASSERT_FALSE(mp3.empty());
  const auto narration = dir / "narration.mp3";
  testing::write_file(narration, std::string(mp3.begin(), mp3.end()));
  auto as_mp3 = decode_audio_file(narration, {.target_rate = 0});
  ASSERT_TRUE(as_mp3.has_value());
  ASSERT_EQ(as_mp3->codec.rfind("mp3", 0), 0u) << as_mp3->codec;  // mp3 or mp3float

  const std::string script = "Meet Aurora, the bottle that keeps your drinks cold all day long.";
  const auto out = dir / "video.mp4";
  auto r =
      run_pitchreel({"generate", "--image", testing::product_jpeg_file(dir).string(), "--avatar",
                     avatar.string(), "--audio", narration.string(), "--script", script, "--height",
                     "720", "--preset", "ultrafast", "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  expect_valid_video(out, 1280, 720);

  // The video lasts the lead-in, the narration and the tail; its audio track is the
  // narration, starting after the lead-in.
  const Timeline timeline = make_timeline(recorded->duration(), 30);
  auto info = probe(out);
  ASSERT_TRUE(info.has_value());
  EXPECT_NEAR(info->video_duration, timeline.duration(), 2.0 / 30);
  EXPECT_NEAR(info->audio_duration, timeline.duration(), 2.0 / 30);
  constexpr int kRate = 16000;
  constexpr double kWindow = 0.02;
  auto played = decode_audio_file(out, {.target_rate = kRate});
  auto original = decode_audio_file(wav, {.target_rate = kRate});
  ASSERT_TRUE(played && original);
  const auto lead = static_cast<std::ptrdiff_t>(std::lround(timeline.lead_in / kWindow));
  auto heard = loudness(played->samples, kRate, kWindow);
  const auto spoken = loudness(original->samples, kRate, kWindow);
  ASSERT_GT(heard.size(), spoken.size() + static_cast<std::size_t>(lead));
  heard.erase(heard.begin(), heard.begin() + lead);
  EXPECT_GT(correlation(heard, spoken), 0.95) << "the video's audio is not the narration";

  // Captions: every word of the script, in cues that start when the speech starts, end
  // when it ends, and run in order without overlapping.
  const double peak = *std::max_element(spoken.begin(), spoken.end());
  const auto is_speech = [&](double v) { return v > peak * 0.03; };  // 30 dB under the peak
  const auto first = std::find_if(spoken.begin(), spoken.end(), is_speech);
  const auto last = std::find_if(spoken.rbegin(), spoken.rend(), is_speech);
  const double speech_start =
      timeline.lead_in + static_cast<double>(first - spoken.begin()) * kWindow;
  const double speech_end = timeline.lead_in + static_cast<double>(spoken.rend() - last) * kWindow;
  const auto vtt = testing::read_file(dir / "video.vtt");
  for (const char* word : {"Aurora", "bottle", "cold", "long"}) {
    EXPECT_NE(vtt.find(word), std::string::npos) << word << " is missing from\n" << vtt;
  }
  const auto cues = testing::parse_vtt(vtt);
  ASSERT_GE(cues.size(), 2u) << vtt;
  EXPECT_NEAR(cues.front().start, speech_start, 0.3) << vtt;
  EXPECT_NEAR(cues.back().end, speech_end, 0.3) << vtt;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    EXPECT_LT(cues[i].start, cues[i].end);
    if (i > 0) {
      EXPECT_GE(cues[i].start, cues[i - 1].end - 1e-3) << "cue " << i;
    }
  }
}

void expect_failure(const testing::CommandResult& r, const std::string& code) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error[" + code + "]"), std::string::npos) << r.err;
}

TEST(PresenterGenerate, BadPortraitsAndLayoutsFailCleanly) {
  TempDir dir;
  const auto product = testing::product_jpeg_file(dir);
  const auto out = dir / "video.mp4";
  // The product photo as the avatar: no face.
  expect_failure(run_pitchreel({"generate", "--image", product.string(), "--avatar",
                                product.string(), "--script", "Hello.", "-o", out.string()}),
                 "no_face_found");
  expect_failure(run_pitchreel({"generate", "--image", product.string(), "--layout", "pip",
                                "--script", "Hello.", "-o", out.string()}),
                 "avatar_missing");
  expect_failure(run_pitchreel({"generate", "--image", product.string(), "--layout", "sideways",
                                "--script", "Hello.", "-o", out.string()}),
                 "invalid_layout");
  testing::write_file(dir / "noise.wav", "RIFF not really a wav file");
  expect_failure(run_pitchreel({"generate", "--image", product.string(), "--audio",
                                (dir / "noise.wav").string(), "-o", out.string()}),
                 "audio_unreadable");
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace pitchreel
