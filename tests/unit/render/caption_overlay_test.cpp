#include "render/caption_overlay.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "media/color_convert.h"

namespace pitchreel {
namespace {

// An 8-bit coverage bitmap in libass's form, kept alive with the image that points at it.
struct Bitmap {
  std::vector<unsigned char> coverage;
  ASS_Image image{};

  Bitmap(cv::Rect at, std::uint32_t rgba, unsigned char fill) : coverage(at.area(), fill) {
    image.w = at.width;
    image.h = at.height;
    image.stride = at.width;
    image.bitmap = coverage.data();
    image.color = rgba;  // RGBA, A = transparency
    image.dst_x = at.x;
    image.dst_y = at.y;
  }
  void set(int x, int y, unsigned char v) { coverage[y * image.stride + x] = v; }
};

ASS_Image* chain(std::vector<Bitmap>& layers) {
  for (std::size_t i = 0; i + 1 < layers.size(); ++i) layers[i].image.next = &layers[i + 1].image;
  return &layers.front().image;
}

// What the YUV patch holds for one premultiplied pixel, in doubles (BT.709, limited range).
struct Expected {
  double y, cb, cr;
};
Expected in_doubles(double b, double g, double r, double a) {
  using namespace bt709;
  const double luma = kKr * r + kKg * g + kKb * b;
  return {16.0 * a / 255 + kLumaScale * luma,
          128.0 * a / 255 + kChromaScale * (b - luma) / (2 * (1 - kKb)),
          128.0 * a / 255 + kChromaScale * (r - luma) / (2 * (1 - kKr))};
}

// Opaque captions replace the frame's pixels with their own colour in the encoder's YUV:
// each colour's Y, Cb and Cr as the BT.709 limited-range formula gives them (rounded; the
// fixed-point sums may land one level off on a rounding edge).
TEST(CaptionOverlay, OpaqueColoursAreTheirBt709Values) {
  cv::RNG rng(7);
  int exact = 0, total = 0;
  for (int n = 0; n < 200; ++n) {
    const auto r = static_cast<std::uint32_t>(rng.uniform(0, 256));
    const auto g = static_cast<std::uint32_t>(rng.uniform(0, 256));
    const auto b = static_cast<std::uint32_t>(rng.uniform(0, 256));
    std::vector<Bitmap> layers;
    layers.emplace_back(cv::Rect(0, 0, 8, 8), (r << 24) | (g << 16) | (b << 8), 255);
    CaptionOverlay overlay;
    overlay.rebuild(chain(layers), cv::Rect(0, 0, 16, 16));
    Yuv420 frame = Yuv420::allocate(cv::Size(16, 16));
    frame.y.setTo(0);
    frame.u.setTo(0);
    frame.v.setTo(0);
    overlay.blend_onto(frame);
    const Expected e = in_doubles(b, g, r, 255);
    const int got[3] = {frame.y.at<std::uint8_t>(3, 3), frame.u.at<std::uint8_t>(1, 1),
                        frame.v.at<std::uint8_t>(1, 1)};
    const double want[3] = {e.y, e.cb, e.cr};
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(got[c], std::lround(want[c]), 1) << "colour " << r << "," << g << "," << b;
      exact += got[c] == std::lround(want[c]);
      ++total;
    }
  }
  EXPECT_GE(exact, total * 98 / 100);
}

// Blended over a picture, the YUV overlay gives what the BGR overlay gives, converted:
// partly transparent layers, overlapping, over the frame's own colours.
TEST(CaptionOverlay, TheYuvBlendIsTheBgrBlendInTheEncodersColours) {
  const cv::Size size(96, 64);
  cv::Mat picture(size, CV_8UC3);
  cv::randu(picture, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(picture, picture, cv::Size(0, 0), 4);
  std::vector<Bitmap> layers;
  layers.emplace_back(cv::Rect(8, 8, 80, 40), 0x10204080u, 255);  // a box, half see-through
  layers.emplace_back(cv::Rect(12, 12, 60, 30), 0x000000FFu, 0);  // a shadow: ramps below
  layers.emplace_back(cv::Rect(14, 14, 60, 30), 0xFFD02000u, 0);  // the text: ramps
  for (int y = 0; y < 30; ++y) {
    for (int x = 0; x < 60; ++x) {
      const auto ramp = static_cast<unsigned char>((x * 4 + y * 3) % 256);
      layers[1].set(x, y, ramp);
      layers[2].set(x, y, (x / 6 + y / 5) % 2 == 0 ? 255 : ramp);
    }
  }
  CaptionOverlay overlay;
  overlay.rebuild(chain(layers), cv::Rect({}, size));

  auto frame = bgr_to_yuv420(picture);
  ASSERT_TRUE(frame);
  overlay.blend_onto(*frame);
  auto from_yuv = yuv420_to_bgr(*frame);
  ASSERT_TRUE(from_yuv);
  cv::Mat bgr = picture.clone();
  overlay.blend_onto(bgr);
  // Both sides pass through 4:2:0 once. They differ where a glyph's hard edge crosses a
  // 2x2 block (the YUV side blends the block's chroma with its mean alpha): 38.3 dB here;
  // a Cb with Kr and Kb swapped gives 30.9.
  auto expected = yuv420_to_bgr(*bgr_to_yuv420(bgr));
  ASSERT_TRUE(expected);
  EXPECT_GT(cv::PSNR(*from_yuv, *expected), 35.0);
}

// A layer's transparent pixels leave what the layers below put there; its covered pixels
// take its colour.
TEST(CaptionOverlay, TransparentPixelsOfALayerKeepTheLayersBelow) {
  std::vector<Bitmap> layers;
  layers.emplace_back(cv::Rect(0, 0, 16, 16), 0xFF000000u, 255);  // opaque red
  layers.emplace_back(cv::Rect(0, 0, 16, 16), 0xFFFFFF00u, 0);    // white, only a square
  for (int y = 4; y < 8; ++y) {
    for (int x = 4; x < 8; ++x) layers[1].set(x, y, 255);
  }
  CaptionOverlay overlay;
  overlay.rebuild(chain(layers), cv::Rect(0, 0, 16, 16));
  cv::Mat bgr(16, 16, CV_8UC3, cv::Scalar(0, 255, 0));
  overlay.blend_onto(bgr);
  EXPECT_EQ(bgr.at<cv::Vec3b>(1, 1), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(bgr.at<cv::Vec3b>(12, 12), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(bgr.at<cv::Vec3b>(5, 5), cv::Vec3b(255, 255, 255));
}

}  // namespace
}  // namespace pitchreel
