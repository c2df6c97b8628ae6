#include "media/jpeg_writer.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "media/color_convert.h"
#include "media/image.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using testing::TempDir;

// A picture with what a poster holds: a photo's smooth colours, and flat patches of
// saturated red, green, blue and white with hard edges.
cv::Mat colourful_picture(cv::Size size) {
  cv::Mat bgr(size, CV_8UC3);
  cv::randu(bgr, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(bgr, bgr, cv::Size(0, 0), 6);
  cv::normalize(bgr, bgr, 0, 255, cv::NORM_MINMAX);
  const int w = size.width / 8, h = size.height / 4;
  const cv::Scalar patches[] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {255, 255, 255}};
  for (int i = 0; i < 4; ++i) bgr(cv::Rect((2 * i) * w, h, w, h)).setTo(patches[i]);
  return bgr;
}

// The JPEG of a frame shows the frame's colours: what libswscale makes of the same frame
// (BT.709, limited range, to full-range RGB) to within JPEG's own loss, and the flat
// patches in their colours. A BT.601 matrix, a swapped Cb/Cr, the wrong range or a chroma
// plane misplaced by a pixel row all fail it.
TEST(JpegWriter, AFrameIsWrittenInItsColours) {
  TempDir dir;
  const cv::Size size(640, 360);
  auto frame = bgr_to_yuv420(colourful_picture(size));
  ASSERT_TRUE(frame);
  ASSERT_TRUE(write_jpeg(*frame, dir / "poster.jpg"));
  auto written = load_image(dir / "poster.jpg");
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(written->size(), size);
  auto expected = yuv420_to_bgr(*frame);
  ASSERT_TRUE(expected);
  // 38.2 dB here, nearly all of it the JPEG's loss on this busy picture (libswscale's RGB
  // of the frame, written as a JPEG, comes back at 39.5 dB); a swapped Cb/Cr gives 13.
  EXPECT_GT(cv::PSNR(*written, *expected), 35.0);
  const int w = size.width / 8, h = size.height / 4;
  const cv::Scalar patches[] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {255, 255, 255}};
  for (int i = 0; i < 4; ++i) {
    const cv::Scalar inside =
        cv::mean((*written)(cv::Rect((2 * i) * w + 8, h + 8, w - 16, h - 16)));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(inside[c], patches[i][c], 4.0) << "patch " << i;
  }
}

// Frames whose planes are views into wider pictures (rows not back to back) are written
// as their own pixels.
TEST(JpegWriter, PlanesThatAreViewsAreWrittenAsTheirPixels) {
  TempDir dir;
  auto wide = bgr_to_yuv420(colourful_picture(cv::Size(800, 400)));
  ASSERT_TRUE(wide);
  const cv::Rect luma(64, 40, 640, 320);
  const cv::Rect chroma(32, 20, 320, 160);
  const Yuv420 view{wide->y(luma), wide->u(chroma), wide->v(chroma)};
  ASSERT_FALSE(view.y.isContinuous());
  ASSERT_TRUE(write_jpeg(view, dir / "view.jpg"));
  const Yuv420 copy{view.y.clone(), view.u.clone(), view.v.clone()};
  ASSERT_TRUE(write_jpeg(copy, dir / "copy.jpg"));
  EXPECT_EQ(testing::read_file(dir / "view.jpg"), testing::read_file(dir / "copy.jpg"));
}

TEST(JpegWriter, AnUnwritablePathIsAPosterWriteError) {
  auto frame = bgr_to_yuv420(colourful_picture(cv::Size(64, 64)));
  ASSERT_TRUE(frame);
  const Status s = write_jpeg(*frame, "/nonexistent-folder/poster.jpg");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "poster_write_failed");
  EXPECT_EQ(s.error().message.find("/nonexistent-folder"), std::string::npos)
      << "the message names the file, not where it lives: " << s.error().message;
}

}  // namespace
}  // namespace pitchreel
