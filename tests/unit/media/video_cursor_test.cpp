// VideoCursor on a real 25 fps MP4 whose frames say their own number (brightness): the
// frame on screen at a time, before the start, between frames and after the end.
#include "media/video_cursor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "media/encoder.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

constexpr int kFps = 25;
constexpr int kFrames = 20;

// Frame n is grey at luma 20 + 10 n.
std::filesystem::path numbered_video(const testing::TempDir& dir) {
  const auto path = dir / "numbered.mp4";
  EncoderSettings settings;
  settings.size = {64, 64};
  settings.fps = kFps;
  settings.preset = "ultrafast";
  settings.crf = 10;
  const std::vector<float> silence(kFrames * 16000 / kFps, 0.0f);
  auto encoder = Encoder::open(path, settings, {silence, 16000, 0});
  EXPECT_TRUE(encoder.has_value());
  Yuv420 frame = Yuv420::allocate(settings.size);
  frame.u.setTo(128);
  frame.v.setTo(128);
  for (int n = 0; n < kFrames; ++n) {
    frame.y.setTo(20 + 10 * n);
    EXPECT_TRUE((*encoder)->add_frame(frame).has_value());
  }
  EXPECT_TRUE((*encoder)->finish().has_value());
  return path;
}

// The number a frame shows (its BGR is full range, the luma it was made from limited).
int number_of(const VideoFrame& frame) {
  const double luma = 16 + cv::mean(frame.bgr)[1] * 219 / 255;
  return static_cast<int>(std::lround((luma - 20) / 10));
}

TEST(VideoCursor, ShowsTheLastFrameDueAndHoldsTheEnds) {
  testing::TempDir dir;
  auto reader = VideoReader::open(numbered_video(dir));
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  VideoCursor cursor(std::move(*reader));
  struct Step {
    double t;
    int frame;
  };
  for (const Step step : {Step{0, 0}, Step{0.039, 0}, Step{0.04, 1}, Step{0.1, 2}, Step{0.1, 2},
                          Step{0.5, 12}, Step{0.79, 19}, Step{30, 19}}) {
    auto shown = cursor.at(step.t);
    ASSERT_TRUE(shown.has_value()) << shown.error().message;
    EXPECT_EQ(number_of(**shown), step.frame) << "at " << step.t << " s";
    EXPECT_EQ(cursor.index(), step.frame) << "at " << step.t << " s";
  }
}

}  // namespace
}  // namespace pitchreel
