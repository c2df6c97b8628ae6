// RenderJob::samples_to_take: the soundtrack takes the narration's samples over (they are
// not held for the whole render), and the video is the same as when it only reads them:
// the same audio, sample for sample, and the same length. Without it the caller's samples
// are left as they were.
#include <gtest/gtest.h>

#include <cmath>

#include "core/progress.h"
#include "engines/cpu_engine.h"
#include "media/audio_decode.h"
#include "media/probe.h"
#include "render/timeline.h"
#include "support/synthetic_speech.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

struct Made {
  std::vector<float> audio;  // the MP4's soundtrack, decoded
  double video_seconds = 0;
  double audio_seconds = 0;
};

Made render(const std::filesystem::path& dir, const std::string& name, Speech& speech, bool take,
            int fps = 30) {
  RenderJob job;
  job.format.fps = fps;
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
  auto decoded = decode_audio_file(job.video_path, {.target_rate = 48000, .max_seconds = 120});
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

// A soundtrack over 8 MiB (here 46 s at 48 kHz) is made before x264 takes its first frame
// rather than beside it; the video is whole all the same: its sound as long as its picture,
// the narration's last syllables in it, the same whether the samples are taken or read.
TEST(SoundtrackHandover, ALongSoundtrackIsWholeTakenOrRead) {
  testing::TempDir dir;
  Speech original = testing::synthetic_speech({"A", "long", "narration."}, 46.0);
  std::vector<float> at_48k;
  for (std::size_t i = 0; i < original.samples.size() * 3; ++i) {
    at_48k.push_back(original.samples[i / 3]);  // the same buzz, 48 kHz (no need to filter)
  }
  original.samples = std::move(at_48k);
  original.sample_rate = 48000;
  ASSERT_GT(original.samples.size() * sizeof(float), 8u << 20);
  Speech kept = original, taken = original;
  // 5 frames a second: the soundtrack's length matters here, not the picture's.
  const Made read = render(dir.path(), "read", kept, false, 5);
  const Made moved = render(dir.path(), "taken", taken, true, 5);
  EXPECT_TRUE(taken.samples.empty());
  ASSERT_FALSE(read.audio.empty());
  EXPECT_EQ(moved.audio, read.audio);
  EXPECT_GT(read.video_seconds, 46.0);
  EXPECT_NEAR(read.audio_seconds, read.video_seconds, 0.05);
  // The narration's last second is in the track, after the lead-in: the buzz, not silence.
  const double lead_in = make_timeline(46.0, 5).lead_in;
  const auto end = static_cast<std::size_t>((lead_in + 46.0) * 48000);
  ASSERT_LE(end, read.audio.size());
  double energy = 0;
  for (std::size_t i = end - 48000; i < end; ++i) energy += double(read.audio[i]) * read.audio[i];
  EXPECT_GT(std::sqrt(energy / 48000), 0.02) << "the narration's last second is missing";
}

}  // namespace
}  // namespace pitchreel
