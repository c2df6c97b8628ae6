// RenderJob::samples_to_take: the soundtrack takes the narration's samples over (they are
// not held for the whole render), and the video is the same as when it only reads them:
// the same audio, sample for sample, and the same length. Without it the caller's samples
// are left as they were.
#include <gtest/gtest.h>

#include "core/progress.h"
#include "engines/cpu_engine.h"
#include "media/audio_decode.h"
#include "media/probe.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

struct Made {
  std::vector<float> audio;  // the MP4's soundtrack, decoded
  double video_seconds = 0;
  double audio_seconds = 0;
};

Made render(const std::filesystem::path& dir, const std::string& name, Speech& speech, bool take) {
  RenderJob job;
  job.product = cv::Mat(360, 480, CV_8UC3, cv::Scalar(40, 120, 200));
  job.speech = &speech;
  if (take) job.samples_to_take = &speech.samples;
  job.format.height = 720;
  job.preset = "ultrafast";
  job.video_path = dir / (name + ".mp4");
  job.poster_path = dir / (name + ".jpg");
  NullProgress progress;
  CpuEngine engine;
  auto out = engine.render(job, progress);
  EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message);
  Made made;
  auto info = probe(job.video_path);
  EXPECT_TRUE(info.has_value());
  if (info) {
    made.video_seconds = info->video_duration;
    made.audio_seconds = info->audio_duration;
  }
  auto decoded = decode_audio_file(job.video_path, {.target_rate = 48000, .max_seconds = 60});
  EXPECT_TRUE(decoded.has_value());
  if (decoded) made.audio = std::move(decoded->samples);
  return made;
}

TEST(SoundtrackHandover, TakenSamplesMakeTheSameVideoAndAreNotHeldAfter) {
  testing::TempDir dir;
  const Speech original = testing::synthetic_speech({"Meet", "the", "new", "bottle."}, 2.0);
  Speech kept = original, taken = original;
  const Made read = render(dir.path(), "read", kept, false);
  const Made moved = render(dir.path(), "taken", taken, true);
  EXPECT_EQ(kept.samples, original.samples) << "samples_to_take unset: the caller's samples stay";
  EXPECT_TRUE(taken.samples.empty()) << "taken over by the soundtrack";
  ASSERT_FALSE(read.audio.empty());
  EXPECT_EQ(moved.audio, read.audio) << "the same soundtrack either way";
  EXPECT_DOUBLE_EQ(moved.video_seconds, read.video_seconds);
  EXPECT_NEAR(moved.audio_seconds, moved.video_seconds, 0.05);
}

}  // namespace
}  // namespace pitchreel
