// End to end on what a viewer sees and hears of `pitchreel generate`'s output:
// - the narration at -14 LUFS integrated, true peak at most -1 dBTP, measured on the MP4
//   by an independent meter (ffmpeg's ebur128 filter);
// - --music plays under the narration (heard in the lead-in before the first word);
// - frame 0 is the picture, not black; the poster has the presenter's mouth closed and
//   eyes open (measured with the landmark detector on the JPEG);
// - the input warnings reach --json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <regex>

#include "media/audio_decode.h"
#include "media/image.h"
#include "media/jpeg_writer.h"
#include "presenter/face_detector.h"
#include "support/server_process.h"
#include "support/test_support.h"
#include "support/tone_level.h"

namespace pitchreel {
namespace {

using testing::run_pitchreel;
using testing::TempDir;

const char* kScript = "Meet the Aurora bottle. It keeps drinks cold all day. Order yours today.";

std::string shell(const std::string& command) {
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
    pclose(pipe);
  }
  return output;
}

struct Loudness {
  double integrated = 0, true_peak = 0;
};

Loudness ffmpeg_ebur128(const std::filesystem::path& file) {
  const std::string out = shell("ffmpeg -hide_banner -nostats -i '" + file.string() +
                                "' -map 0:a -af ebur128=peak=true -f null - 2>&1");
  Loudness l;
  const auto at = out.rfind("Summary:");
  EXPECT_NE(at, std::string::npos) << out;
  if (at == std::string::npos) return l;
  const std::string summary = out.substr(at);
  std::smatch m;
  if (std::regex_search(summary, m, std::regex(R"(I:\s+(-?[0-9.]+) LUFS)"))) {
    l.integrated = std::stod(m[1]);
  }
  if (std::regex_search(summary, m, std::regex(R"(Peak:\s+(-?[0-9.]+) dBFS)"))) {
    l.true_peak = std::stod(m[1]);
  }
  return l;
}

cv::Mat frame_at(const std::filesystem::path& video, int index, const std::filesystem::path& png) {
  shell("ffmpeg -v error -y -i '" + video.string() + "' -vf 'select=eq(n\\," +
        std::to_string(index) + ")' -frames:v 1 '" + png.string() + "' 2>&1");
  auto image = load_image(png);
  return image ? *image : cv::Mat();
}

double rms_db(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double sum = 0;
  to = std::min(to, x.size());
  for (std::size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
  return 10 * std::log10(sum / std::max<double>(1.0, static_cast<double>(to - from)) + 1e-20);
}

TEST(GenerateSound, NarrationIsAtMinus14LufsUnderMinus1DbtpAndMusicPlaysUnderIt) {
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const auto plain = dir / "plain.mp4";
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script", kScript, "--height",
                          "720", "--preset", "ultrafast", "-o", plain.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const Loudness voice = ffmpeg_ebur128(plain);
  std::printf("narration only: I %.1f LUFS, true peak %.1f dBTP\n", voice.integrated,
              voice.true_peak);
  EXPECT_NEAR(voice.integrated, -14.0, 0.5);
  EXPECT_LE(voice.true_peak, -1.0);

  // Two seconds of music, looped under the whole video, with treble above espeak's 11 kHz.
  const auto music = dir / "music.wav";
  shell(
      "ffmpeg -v error -y -f lavfi -i 'sine=f=330:d=2' -f lavfi -i 'sine=f=495:d=2' "
      "-f lavfi -i 'sine=f=13000:d=2' -ar 48000 -filter_complex amix=inputs=3 '" +
      music.string() + "' 2>&1");
  ASSERT_TRUE(std::filesystem::exists(music));
  const auto mixed = dir / "music.mp4";
  r = run_pitchreel({"generate", "--image", image.string(), "--script", kScript, "--height", "720",
                     "--preset", "ultrafast", "--music", music.string(), "-o", mixed.string(),
                     "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const Loudness both = ffmpeg_ebur128(mixed);
  std::printf("with music: I %.1f LUFS, true peak %.1f dBTP\n", both.integrated, both.true_peak);
  EXPECT_LE(both.true_peak, -1.0);
  EXPECT_NEAR(both.integrated, -14.0, 1.5);
  // The lead-in (before the first word): silence without music, the music with it.
  auto a = decode_audio_file(plain, {.target_rate = 48000});
  auto b = decode_audio_file(mixed, {.target_rate = 48000});
  ASSERT_TRUE(a && b);
  const double quiet = rms_db(a->samples, 0, 48000 * 4 / 10);
  const double bed = rms_db(b->samples, 0, 48000 * 4 / 10);
  std::printf("lead-in: %.1f dB without music, %.1f dB with\n", quiet, bed);
  EXPECT_LT(quiet, -60.0);
  EXPECT_GT(bed, -45.0);
  // The music keeps its treble: the track is at 32 kHz under espeak's 22.05 kHz narration,
  // and the 13 kHz tone comes through about as loud as the 495 Hz one (a 22.05 kHz track
  // cannot hold it at all). The narration alone keeps espeak's rate.
  auto native = decode_audio_file(mixed, {.target_rate = 0});
  auto native_plain = decode_audio_file(plain, {.target_rate = 0});
  ASSERT_TRUE(native && native_plain);
  EXPECT_EQ(native->sample_rate, 32000);
  EXPECT_EQ(native_plain->sample_rate, 22050);
  const double mid = testing::tone_db(b->samples, 0, 48000 * 4 / 10, 48000, 495);
  const double treble = testing::tone_db(b->samples, 0, 48000 * 4 / 10, 48000, 13000);
  std::printf("lead-in music: 495 Hz %.1f dB, 13 kHz %.1f dB\n", mid, treble);
  EXPECT_GT(treble, mid - 6.0);

  r = run_pitchreel({"generate", "--image", image.string(), "--script", kScript, "--music",
                     (dir / "absent.mp3").string(), "-o", (dir / "x.mp4").string(), "--json"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("music_not_found"), std::string::npos) << r.out;
}

TEST(GeneratePicture, FrameZeroIsThePictureAndThePosterHasTheMouthClosedAndEyesOpen) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/painted-girl.jpg");
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const auto out = dir / "video.mp4";
  auto r = run_pitchreel({"generate", "--image", image.string(), "--script", kScript, "--avatar",
                          portrait.string(), "--aspect", "9:16", "--height", "720", "--preset",
                          "ultrafast", "-o", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const cv::Mat first = frame_at(out, 0, dir / "f0.png");
  ASSERT_FALSE(first.empty());
  cv::Mat gray;
  cv::cvtColor(first, gray, cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::mean(gray)[0], 50) << "frame 0 is black (a fade from black)";

  auto poster = load_image(dir / "video.jpg");
  ASSERT_TRUE(poster.has_value());
  auto face = detect_face(*poster);
  ASSERT_TRUE(face.has_value()) << face.error().message;
  const auto& p = face->points;
  const double width = cv::norm(p[16] - p[0]);
  const double lips_gap = cv::norm(p[66] - p[62]) / width;
  const auto eye_open = [&](int a) {
    return (cv::norm(p[a + 1] - p[a + 5]) + cv::norm(p[a + 2] - p[a + 4])) /
           (2 * cv::norm(p[a + 3] - p[a]));
  };
  std::printf("poster: inner lips %.3f face widths apart, eye openness %.2f / %.2f\n", lips_gap,
              eye_open(36), eye_open(42));
  EXPECT_LT(lips_gap, 0.03) << "the poster's mouth is open";
  EXPECT_GT(eye_open(36), 0.18) << "the poster's eyes are closed";
  EXPECT_GT(eye_open(42), 0.18);
}

// The second video with the same presenter starts without the landmark model: the face
// comes from the face cache the first run filled, and the frames are the same, bit for bit.
TEST(GeneratePicture, TheSecondVideoWithAPresenterUsesTheFaceCacheAndLooksTheSame) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/painted-girl.jpg");
  TempDir dir;
  const auto image = testing::product_jpeg_file(dir);
  const testing::ScopedEnv cache("PITCHREEL_CACHE_DIR", (dir / "cache").string());
  std::string frames[2];
  std::string logs[2];
  for (int run = 0; run < 2; ++run) {
    const auto y4m = dir / ("frames" + std::to_string(run) + ".y4m");
    const testing::ScopedEnv dump("PITCHREEL_DUMP_Y4M", y4m.string());
    auto r = run_pitchreel({"--log-level", "info", "generate", "--image", image.string(),
                            "--script", kScript, "--avatar", portrait.string(), "--layout", "pip",
                            "--height", "720", "--preset", "ultrafast", "-o",
                            (dir / ("v" + std::to_string(run) + ".mp4")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    logs[run] = r.err;
    frames[run] = testing::read_file(y4m);
  }
  EXPECT_NE(logs[0].find("face model loaded"), std::string::npos) << logs[0];
  EXPECT_EQ(logs[1].find("face model loaded"), std::string::npos) << logs[1];
  ASSERT_GT(frames[0].size(), 1000u);
  EXPECT_TRUE(frames[0] == frames[1]) << "the frames differ";
}

TEST(GenerateWarnings, LowResolutionPhotoAndUnusedAvatarAreReported) {
  TempDir dir;
  const auto small = dir / "small.jpg";
  cv::Mat photo(180, 180, CV_8UC3, cv::Scalar(40, 160, 220));
  cv::circle(photo, {90, 90}, 60, cv::Scalar(30, 60, 200), cv::FILLED);
  ASSERT_TRUE(write_jpeg(photo, small));
  auto r = run_pitchreel({"generate", "--image", small.string(), "--script", "A small photo.",
                          "--height", "720", "--preset", "ultrafast", "--avatar", small.string(),
                          "--layout", "showcase", "-o", (dir / "v.mp4").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto summary = nlohmann::json::parse(r.out);
  std::vector<std::string> codes;
  for (const auto& w : summary["warnings"]) {
    codes.push_back(w["code"]);
    EXPECT_FALSE(w["message"].get<std::string>().empty());
  }
  EXPECT_NE(std::find(codes.begin(), codes.end(), "low_resolution_image"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "avatar_unused"), codes.end());
  // The video carries them too.
  EXPECT_NE(shell("ffprobe -v error -show_entries format_tags=comment '" +
                  (dir / "v.mp4").string() + "'")
                .find("low_resolution_image"),
            std::string::npos);
}

}  // namespace
}  // namespace pitchreel
