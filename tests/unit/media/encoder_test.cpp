#include "media/encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/cpu_account.h"
#include "core/thread_priority.h"
#include "media/probe.h"
#include "support/test_support.h"
#include "support/thread_nice.h"

namespace pitchreel {
namespace {

std::vector<float> tone(double seconds, int rate) {
  std::vector<float> s(static_cast<size_t>(seconds * rate));
  for (size_t i = 0; i < s.size(); ++i) s[i] = 0.3f * static_cast<float>(std::sin(i * 0.05));
  return s;
}

// Pushes `count` flat grey 160x120 frames and finishes the file.
void add_grey_frames_and_finish(Encoder& encoder, int count) {
  Yuv420 frame = Yuv420::allocate({160, 120});
  frame.y.setTo(16);
  frame.u.setTo(128);
  frame.v.setTo(128);
  for (int i = 0; i < count; ++i) ASSERT_TRUE(encoder.add_frame(frame));
  ASSERT_TRUE(encoder.finish());
}

TEST(Encoder, WritesH264AacWithMatchingDurationsAndFaststart) {
  testing::TempDir dir;
  const auto path = dir / "clip.mp4";
  const auto audio = tone(1.3, 22050);
  EncoderSettings settings;
  settings.size = {320, 240};
  settings.preset = "ultrafast";
  auto enc = Encoder::open(path, settings, {audio, 22050, 0.5});
  ASSERT_TRUE(enc) << enc.error().message;
  Yuv420 frame = Yuv420::allocate({320, 240});
  frame.u.setTo(100);
  frame.v.setTo(160);
  for (int i = 0; i < 60; ++i) {
    frame.y.setTo(16 + i * 3);
    ASSERT_TRUE((*enc)->add_frame(frame));
  }
  ASSERT_TRUE((*enc)->finish());
  auto info = probe(path);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->video_frames, 60);
  EXPECT_NEAR(info->video_duration, 2.0, 1e-6);
  EXPECT_NEAR(info->audio_duration, 2.0, 1.0 / 30);
  EXPECT_EQ(info->audio_sample_rate, 22050);  // the narration's own rate, not resampled
  EXPECT_EQ(info->audio_channels, 1);
  EXPECT_TRUE(info->moov_before_mdat);
}

// The AAC track keeps a narration's rate where AAC takes it well (22.05 to 48 kHz) and is
// resampled to 48 kHz from any other; a rate asked for is kept whatever the input.
TEST(Encoder, TheAacRateIsTheNarrationsOwnFrom22kUpElse48k) {
  for (const int rate : {22050, 24000, 32000, 44100, 48000}) {
    EXPECT_EQ(aac_sample_rate(0, rate), rate);
  }
  for (const int rate : {8000, 11025, 16000, 22000, 96000}) {
    EXPECT_EQ(aac_sample_rate(0, rate), 48000) << rate;
  }
  EXPECT_EQ(aac_sample_rate(48000, 22050), 48000);
  EXPECT_EQ(aac_sample_rate(24000, 44100), 24000);
}

// Through the whole encoder: 16 kHz speech comes out resampled to 48 kHz, at its length,
// and so does 22.05 kHz speech when 48 kHz is asked for.
TEST(Encoder, ANarrationAtAnotherRateIsResampledToTheAacRate) {
  testing::TempDir dir;
  for (const auto& [input, requested] : {std::pair{16000, 0}, std::pair{22050, 48000}}) {
    const auto audio = tone(1.3, input);
    EncoderSettings settings;
    settings.size = {160, 120};
    settings.preset = "ultrafast";
    settings.audio_sample_rate = requested;
    const auto path = dir / ("r" + std::to_string(input) + ".mp4");
    auto enc = Encoder::open(path, settings, {audio, input, 0.5});
    ASSERT_TRUE(enc) << enc.error().message;
    add_grey_frames_and_finish(**enc, 60);
    auto info = probe(path);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->audio_sample_rate, 48000) << input;
    EXPECT_NEAR(info->audio_duration, 2.0, 1.0 / 30) << input;
  }
}

// The nice value of every thread of this process, from /proc.
std::vector<int> thread_nice_values() {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "pid (name) "
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i) {
      if (i == 19) out.push_back(std::stoi(field));  // proc(5): field 19 is nice
    }
  }
  return out;
}

// The threads an encoder of frames of `size` adds to the process while it is open (x264's
// frame threads and its lookahead thread); it then encodes 3 frames and finishes. -1 when
// it does not open.
int threads_an_encoder_starts(const std::filesystem::path& dir, cv::Size size,
                              bool full_x264_threading = false) {
  EncoderSettings settings;
  settings.size = size;
  settings.full_x264_threading = full_x264_threading;
  const auto audio = tone(0.5, 16000);  // the encoder reads it until finish()
  const std::size_t before = thread_nice_values().size();
  auto enc = Encoder::open(dir / "t.mp4", settings, {audio, 16000, 0});
  EXPECT_TRUE(enc) << enc.error().message;
  if (!enc) return -1;
  const auto started = static_cast<int>(thread_nice_values().size() - before);
  Yuv420 frame = Yuv420::allocate(size);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*enc)->add_frame(frame));
  EXPECT_TRUE((*enc)->finish());
  return started;
}

// x264's threads run kEncoderNiceness steps nicer than the thread that opened the encoder,
// which keeps its own priority (core/thread_priority.h: the renderer runs nicer still).
TEST(Encoder, X264sThreadsGiveWayToTheCaller) {
  testing::TempDir dir;
  const auto audio = tone(1.0, 16000);
  EncoderSettings settings;
  settings.size = {320, 180};
  const int own = testing::this_thread_nice();
  ASSERT_NE(own, -100) << "the nice value cannot be read";
  if (own >= 19) GTEST_SKIP() << "this test runs at nice 19 already";
  const std::size_t before = thread_nice_values().size();
  auto enc = Encoder::open(dir / "n.mp4", settings, {audio, 16000, 0});
  ASSERT_TRUE(enc) << enc.error().message;
  const std::vector<int> nice = thread_nice_values();
  ASSERT_GT(nice.size(), before) << "x264 started no threads";
  const auto nicer = std::count(nice.begin(), nice.end(), std::min(19, own + kEncoderNiceness));
  EXPECT_GE(static_cast<std::size_t>(nicer), nice.size() - before) << "x264's threads";
  EXPECT_EQ(testing::this_thread_nice(), own) << "the caller's";
  Yuv420 frame = Yuv420::allocate(settings.size);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*enc)->add_frame(frame));
  ASSERT_TRUE((*enc)->finish());
}

// x264 runs the frame threads x264_threading gives: 1.5 per core up to 720p with x264's own
// lookahead buffer, one per core above with 3 frames of it (memory). Counted as the threads
// an open encoder adds to the process (its frame threads and its lookahead thread) at
// 1280x720 and at a frame just larger.
TEST(Encoder, X264RunsMoreFrameThreadsUpTo720pThanAbove) {
  const auto threads = [](cv::Size size, unsigned cores) {
    return x264_threading(size, cores).frame_threads;
  };
  EXPECT_EQ(threads({1280, 720}, 2), 3);
  EXPECT_EQ(threads({720, 1280}, 2), 3);
  EXPECT_EQ(threads({1282, 720}, 2), 2);
  EXPECT_EQ(threads({1920, 1080}, 2), 2);
  EXPECT_EQ(threads({1920, 1080}, 16), 16);
  EXPECT_EQ(threads({640, 360}, 1), 1);
  EXPECT_EQ(threads({640, 360}, 0), 1);
  EXPECT_EQ(x264_threading({1280, 720}, 2).sync_lookahead, -1);
  EXPECT_EQ(x264_threading({1920, 1080}, 2).sync_lookahead, 3);

  testing::TempDir dir;
  const unsigned cores = std::thread::hardware_concurrency();
  const int at_720p = threads_an_encoder_starts(dir.path(), {1280, 720});
  const int above = threads_an_encoder_starts(dir.path(), {1282, 720});
  ASSERT_GT(above, 0);
  EXPECT_EQ(at_720p - above, threads({1280, 720}, cores) - threads({1282, 720}, cores))
      << "threads started: " << at_720p << " at 720p, " << above << " above, on " << cores
      << " cores";
}

// PITCHREEL_X264_THREADING=full: x264's own threading at every size, so a frame above 720p
// gets the threads and the lookahead buffer a 720p one does. Counted as above.
TEST(Encoder, FullX264ThreadingIsX264sOwnAbove720pToo) {
  EXPECT_EQ(x264_threading({1920, 1080}, 2, true).frame_threads, 3);
  EXPECT_EQ(x264_threading({1920, 1080}, 2, true).sync_lookahead, -1);
  EXPECT_EQ(x264_threading({3840, 2160}, 8, true).frame_threads, 12);
  EXPECT_EQ(x264_threading({640, 360}, 1, true).frame_threads, 1);
  EXPECT_EQ(x264_threading({1280, 720}, 2, true).frame_threads,
            x264_threading({1280, 720}, 2, false).frame_threads);

  testing::TempDir dir;
  const unsigned cores = std::thread::hardware_concurrency();
  const int full = threads_an_encoder_starts(dir.path(), {1282, 720}, true);
  const int lean = threads_an_encoder_starts(dir.path(), {1282, 720}, false);
  const int at_720p = threads_an_encoder_starts(dir.path(), {1280, 720}, false);
  ASSERT_GT(lean, 0);
  EXPECT_EQ(full, at_720p) << "full threading above 720p starts what 720p does";
  EXPECT_EQ(full - lean, x264_threading({1282, 720}, cores, true).frame_threads -
                             x264_threading({1282, 720}, cores, false).frame_threads)
      << "threads started: " << full << " full, " << lean << " lean, on " << cores << " cores";
}

// Renders that overlap in one process are costed by the threads they ran on: the encoder
// charges x264's own threads (found by the name they inherit from the thread that opened it)
// to that thread's account. Nothing else works in this process, so the account must come
// close to the process's whole CPU time, although most of it was spent on x264's threads.
TEST(Encoder, ChargesX264sThreadsToTheRendersAccount) {
  testing::TempDir dir;
  const auto audio = tone(2.0, 16000);
  EncoderSettings settings;
  settings.size = {640, 360};
  settings.preset = "fast";
  CpuAccount account;
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  std::chrono::nanoseconds caller{0};
  {
    ThreadCharge charge(&account);
    const auto caller_start = this_thread_cpu_time();
    auto enc = Encoder::open(dir / "c.mp4", settings, {audio, 16000, 0});
    ASSERT_TRUE(enc) << enc.error().message;
    Yuv420 frame = Yuv420::allocate({640, 360});
    cv::RNG rng(7);
    for (int i = 0; i < 60; ++i) {
      rng.fill(frame.y, cv::RNG::UNIFORM, 0, 255);  // noise: x264 has real work
      rng.fill(frame.u, cv::RNG::UNIFORM, 100, 156);
      rng.fill(frame.v, cv::RNG::UNIFORM, 100, 156);
      ASSERT_TRUE((*enc)->add_frame(frame));
    }
    ASSERT_TRUE((*enc)->finish());
    enc->reset();  // x264's threads are charged before they end
    caller = this_thread_cpu_time() - caller_start;
  }
  getrusage(RUSAGE_SELF, &after);
  const auto seconds = [](const rusage& u) {
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  };
  const double process = seconds(after) - seconds(before);
  const double charged = std::chrono::duration<double>(account.total()).count();
  const double by_caller = std::chrono::duration<double>(caller).count();
  // The check means something only if other threads did a real share of the work.
  ASSERT_GT(process - by_caller, 0.3 * process)
      << "x264 did little on threads of its own: process " << process << " s, caller " << by_caller << " s";
  EXPECT_GE(charged, 0.9 * process) << "charged " << charged << " s of " << process << " s";
  EXPECT_LE(charged, process + 0.05);
}

TEST(Encoder, AudioLongerThanVideoIsCutToTheVideo) {
  testing::TempDir dir;
  const auto audio = tone(5.0, 16000);
  EncoderSettings settings;
  settings.size = {160, 120};
  settings.preset = "ultrafast";
  auto enc = Encoder::open(dir / "c.mp4", settings, {audio, 16000, 0});
  ASSERT_TRUE(enc);
  add_grey_frames_and_finish(**enc, 30);
  auto info = probe(dir / "c.mp4");
  ASSERT_TRUE(info);
  EXPECT_NEAR(info->audio_duration, 1.0, 1.0 / 30);
}

// The soundtrack made on the encoder's own thread while frames arrive gives the same file
// as audio handed over whole: durations, rate, and the audio's own length.
TEST(Encoder, DeferredAudioIsMadeWhileFramesArriveAndMatchesTheVideo) {
  testing::TempDir dir;
  EncoderSettings settings;
  settings.size = {320, 240};
  settings.preset = "ultrafast";
  std::atomic<int> produced = 0;
  DeferredAudio audio;
  audio.sample_rate = 22050;
  audio.produce = [&]() -> Result<std::vector<float>> {
    ++produced;
    std::vector<float> samples(static_cast<std::size_t>(0.5 * 22050), 0.0f);  // lead-in
    const auto speech = tone(1.3, 22050);
    samples.insert(samples.end(), speech.begin(), speech.end());
    return samples;
  };
  auto enc = Encoder::open(dir / "d.mp4", settings, std::move(audio));
  ASSERT_TRUE(enc) << enc.error().message;
  Yuv420 frame = Yuv420::allocate({320, 240});
  frame.u.setTo(100);
  frame.v.setTo(160);
  for (int i = 0; i < 60; ++i) {
    frame.y.setTo(16 + i * 3);
    ASSERT_TRUE((*enc)->add_frame(frame));
  }
  ASSERT_TRUE((*enc)->finish());
  EXPECT_EQ(produced, 1);
  auto info = probe(dir / "d.mp4");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->video_frames, 60);
  EXPECT_NEAR(info->video_duration, 2.0, 1e-6);
  EXPECT_NEAR(info->audio_duration, 2.0, 1.0 / 30);
  EXPECT_EQ(info->audio_sample_rate, 22050);
  EXPECT_TRUE(info->moov_before_mdat);
}

TEST(Encoder, DeferredAudioLongerThanTheVideoIsCutToIt) {
  testing::TempDir dir;
  EncoderSettings settings;
  settings.size = {160, 120};
  settings.preset = "ultrafast";
  auto enc = Encoder::open(dir / "e.mp4", settings,
                           DeferredAudio{16000, [] { return Result<std::vector<float>>(tone(5.0, 16000)); }});
  ASSERT_TRUE(enc);
  add_grey_frames_and_finish(**enc, 30);
  auto info = probe(dir / "e.mp4");
  ASSERT_TRUE(info);
  EXPECT_NEAR(info->audio_duration, 1.0, 1024.0 / 48000 + 1e-3);  // within one AAC frame
}

TEST(Encoder, DeferredAudioErrorIsReturnedAndStopsTheVideo) {
  testing::TempDir dir;
  EncoderSettings settings;
  settings.size = {160, 120};
  settings.preset = "ultrafast";
  auto enc = Encoder::open(dir / "f.mp4", settings, DeferredAudio{16000, []() -> Result<std::vector<float>> {
                             return fail(Error::invalid("audio_empty", "music.mp3 has no audio in it."));
                           }});
  ASSERT_TRUE(enc);
  Yuv420 frame = Yuv420::allocate({160, 120});
  frame.y.setTo(16);
  frame.u.setTo(128);
  frame.v.setTo(128);
  Status status;
  for (int i = 0; i < 300 && status; ++i) status = (*enc)->add_frame(frame);
  if (status) status = (*enc)->finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "audio_empty");
}

TEST(Encoder, RejectsBadSettings) {
  EXPECT_EQ(validate_encoder_settings("warp9", 23).error().code, "invalid_encoder_settings");
  EXPECT_EQ(validate_encoder_settings("medium", 52).error().code, "invalid_encoder_settings");
  EXPECT_TRUE(validate_encoder_settings("veryfast", 18));
}

TEST(Probe, NonMediaFileIsAnError) {
  testing::TempDir dir;
  testing::write_file(dir / "x.mp4", "not a video");
  auto info = probe(dir / "x.mp4");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, "probe_failed");
}

}  // namespace
}  // namespace pitchreel
