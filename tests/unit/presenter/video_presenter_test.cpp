// VideoPresenter on real videos: a GPU-like video of a real portrait is framed like the
// still portrait (same panel, face found in its first frame); a video with no face in it
// is framed from the reference face, and its frames reach the panel on the narration's
// clock, through the rounded corners.
#include "presenter/video_presenter.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "media/color_convert.h"
#include "media/encoder.h"
#include "media/image.h"
#include "presenter/presenter_panel.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

constexpr int kFps = 25;

// A 25 fps video of `frames` pictures made by `picture(n)` (even-sized BGR).
template <typename Picture>
std::filesystem::path write_video(const testing::TempDir& dir, int frames, Picture picture) {
  const auto path = dir / "gpu.mp4";
  const cv::Mat first = picture(0);
  EncoderSettings settings;
  settings.size = first.size();
  settings.fps = kFps;
  settings.preset = "ultrafast";
  settings.crf = 12;
  const std::vector<float> silence(static_cast<std::size_t>(frames) * 16000 / kFps, 0.0f);
  auto encoder = Encoder::open(path, settings, {silence, 16000, 0});
  EXPECT_TRUE(encoder.has_value());
  for (int n = 0; n < frames; ++n) {
    auto yuv = bgr_to_yuv420(picture(n));
    EXPECT_TRUE(yuv.has_value());
    EXPECT_TRUE((*encoder)->add_frame(*yuv).has_value());
  }
  EXPECT_TRUE((*encoder)->finish().has_value());
  return path;
}

TEST(VideoPresenter, FramesTheVideosFaceAsTheStillPortraitIsFramed) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/rendered-3d.jpg");
  auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value());
  const cv::Mat square = (*portrait)(cv::Rect(0, 0, 440, 440)).clone();
  auto face = detect_face(square);
  ASSERT_TRUE(face.has_value());
  testing::TempDir dir;
  const auto video = write_video(dir, 10, [&](int) { return square; });
  const cv::Rect panel(640, 0, 640, 720);
  const Timeline timeline = make_timeline(0.4, 30);
  auto presenter = VideoPresenter::open(video, *face, square.size(), timeline, panel, 0);
  ASSERT_TRUE(presenter.has_value()) << presenter.error().message;
  auto still = PresenterPanel::create(square, *face, panel, 0);
  ASSERT_TRUE(still.has_value());
  const cv::Rect mouth = (*presenter)->mouth_area();
  EXPECT_EQ(mouth & panel, mouth);
  // The same face found again in a re-encoded frame: the mouth within a few pixels.
  EXPECT_LT(cv::norm(mouth.tl() - still->mouth_area().tl()), 8);
  EXPECT_LT(std::abs(mouth.width - still->mouth_area().width), 8);
}

TEST(VideoPresenter, WithoutAFaceInTheVideoFramesFromTheReferenceAndKeepsTime) {
  PITCHREEL_REQUIRE_TESTDATA(path, "portraits/rendered-3d.jpg");
  auto portrait = load_image(path);
  ASSERT_TRUE(portrait.has_value());
  auto face = detect_face(*portrait);
  ASSERT_TRUE(face.has_value());
  // Half the reference's size, no face: frame n is grey at 20 + 10 n.
  const cv::Size size(portrait->cols / 2 & ~1, portrait->rows / 2 & ~1);
  constexpr int kFrames = 20;
  testing::TempDir dir;
  const auto video = write_video(
      dir, kFrames, [&](int n) { return cv::Mat(size, CV_8UC3, cv::Scalar::all(20 + 10 * n)); });
  const cv::Rect panel(896, 28, 332, 416);
  const int radius = 26;
  const Timeline timeline = make_timeline(kFrames / double(kFps), 30);
  auto presenter = VideoPresenter::open(video, *face, portrait->size(), timeline, panel, radius);
  ASSERT_TRUE(presenter.has_value()) << presenter.error().message;
  const cv::Rect mouth = (*presenter)->mouth_area();
  EXPECT_EQ(mouth & panel, mouth) << "the reference's mouth, framed into the panel";

  Yuv420 frame = Yuv420::allocate({1280, 720});
  const cv::Point centre = (panel.tl() + panel.br()) / 2;
  for (std::int64_t i = 0; i < timeline.frame_count; ++i) {
    frame.y.setTo(0);
    ASSERT_TRUE((*presenter)->draw(i, frame).has_value());
    // Frame i shows the video at i / 30 - lead-in: its first during the lead-in, its last
    // in the tail.
    const double t = std::max(0.0, timeline.time_of(i) - timeline.lead_in);
    const int due = std::min(kFrames - 1, static_cast<int>(std::floor(t * kFps + 1e-6)));
    const double luma = 16 + (20 + 10 * due) * 219.0 / 255;
    EXPECT_NEAR(frame.y.at<std::uint8_t>(centre), luma, 4) << "frame " << i;
    EXPECT_EQ(frame.y.at<std::uint8_t>(panel.tl()), 0) << "the rounded corner is left alone";
    EXPECT_EQ(frame.y.at<std::uint8_t>(panel.tl() - cv::Point(2, 0)), 0);
  }
}

}  // namespace
}  // namespace pitchreel
