// Stability: outside the face region nothing changes from frame to frame; inside it,
// away from the mouth and eyes, the change is only the gentle head motion (no tearing, no
// flicker); the first frame is the portrait (SSIM on the face crop).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "media/image.h"
#include "presenter_render_support.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

class StabilityTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StabilityTest, OnlyTheHeadMovesAndTheFirstFrameIsThePortrait) {
  PITCHREEL_REQUIRE_TESTDATA(speech_path, "speech/speech-2.wav");
  const auto portrait =
      load_image(speech_path.parent_path().parent_path() / "portraits" / GetParam());
  ASSERT_TRUE(portrait.has_value());
  // Half a second of silence first, as the video's lead-in has.
  const auto r = testing::render_presenter(
      *portrait, testing::recorded_speech(speech_path, 6.0, 0.5), cv::Size(512, 512));
  ASSERT_GT(r.frames.size(), 150u);

  // Outside the animated region: bit-identical to the still in every frame.
  cv::Mat outside(r.still.size(), CV_8UC1, cv::Scalar(255));
  // (grown by 2 px: converting 4:2:0 to BGR for the comparison interpolates chroma
  // across the region's edge)
  outside(cv::Rect(r.region.x - 2, r.region.y - 2, r.region.width + 4, r.region.height + 4) &
          cv::Rect({}, r.still.size()))
      .setTo(0);
  for (std::size_t i = 0; i < r.frames.size(); ++i) {
    cv::Mat diff;
    cv::absdiff(r.frames[i], r.still_yuv, diff);
    cv::Mat gray;
    cv::cvtColor(diff, gray, cv::COLOR_BGR2GRAY);
    double worst = 0;
    cv::minMaxLoc(gray, nullptr, &worst, nullptr, nullptr, outside);
    ASSERT_EQ(worst, 0.0) << "frame " << i << " changed outside the face region";
  }

  // Inside the region, outside the mouth and eyes: frame-to-frame change stays small
  // (the head's slow motion is a fraction of a pixel per frame): no tearing, no flicker.
  auto face = detect_face(r.still);
  ASSERT_TRUE(face.has_value());
  cv::Mat calm(r.still.size(), CV_8UC1, cv::Scalar(0));
  calm(r.region).setTo(255);
  const auto hull_off = [&](int first, int last, double grow) {
    std::vector<cv::Point2f> pts(face->points.begin() + first, face->points.begin() + last + 1);
    cv::Rect box = cv::boundingRect(pts);
    const int g = static_cast<int>(box.width * grow);
    calm(cv::Rect(box.x - g, box.y - g, box.width + 2 * g, box.height + 2 * g) &
         cv::Rect({}, calm.size()))
        .setTo(0);
  };
  hull_off(36, 47, 0.25);  // eyes (blinks)
  // The mouth and the jaw below it move with speech.
  std::vector<cv::Point2f> jaw(face->points.begin() + 3, face->points.begin() + 14);
  jaw.insert(jaw.end(), face->points.begin() + 48, face->points.begin() + 68);
  cv::Rect jaw_box = cv::boundingRect(jaw);
  jaw_box.height += jaw_box.height / 2;
  calm(jaw_box & cv::Rect({}, calm.size())).setTo(0);
  double worst_mean = 0;
  for (std::size_t i = 1; i < r.frames.size(); ++i) {
    cv::Mat a, b, diff;
    cv::cvtColor(r.frames[i - 1], a, cv::COLOR_BGR2GRAY);
    cv::cvtColor(r.frames[i], b, cv::COLOR_BGR2GRAY);
    cv::absdiff(a, b, diff);
    worst_mean = std::max(worst_mean, cv::mean(diff, calm)[0]);
  }
  std::printf("%s: worst mean frame-to-frame change away from mouth and eyes %.2f levels\n",
              GetParam(), worst_mean);
  EXPECT_LT(worst_mean, 3.0);

  // The first frame is the portrait: SSIM on the face crop.
  const cv::Rect crop = cv::Rect(face->face) & cv::Rect({}, r.still.size());
  cv::Mat first, still;
  cv::cvtColor(r.frames.front()(crop), first, cv::COLOR_BGR2GRAY);
  cv::cvtColor(r.still(crop), still, cv::COLOR_BGR2GRAY);
  const double s = testing::ssim(first, still);
  std::printf("%s: first-frame SSIM on the face %.4f\n", GetParam(), s);
  EXPECT_GE(s, 0.95);
}

INSTANTIATE_TEST_SUITE_P(Testdata, StabilityTest,
                         ::testing::Values("painted-girl.jpg", "rendered-3d.jpg",
                                           "pencil-sketch.jpg", "marble-statue.jpg"));

}  // namespace
}  // namespace pitchreel
