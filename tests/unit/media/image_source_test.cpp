// load_image on well-formed inputs: every fixture is made here with libvips itself,
// so the expected pixels are known exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <thread>
#include <vector>

#include "media/image.h"
#include "media/image_vips.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using Bytes = std::vector<std::uint8_t>;

// An image whose pixel (x, y) is fill(x, y); T picks 8 or 16 bits per sample.
template <typename T, typename Fill>
vips::ImagePtr make_image(int width, int height, int bands, VipsInterpretation interpretation,
                          Fill fill) {
  EXPECT_TRUE(vips::started());
  std::vector<T> samples;
  samples.reserve(static_cast<std::size_t>(width * height * bands));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const auto pixel = fill(x, y);
      samples.insert(samples.end(), pixel.begin(), pixel.end());
    }
  }
  const VipsBandFormat format = sizeof(T) == 1 ? VIPS_FORMAT_UCHAR : VIPS_FORMAT_USHORT;
  vips::ImagePtr raw{vips_image_new_from_memory_copy(samples.data(), samples.size() * sizeof(T),
                                                     width, height, bands, format)};
  VipsImage* tagged = nullptr;
  EXPECT_EQ(vips_copy(raw.get(), &tagged, "interpretation", interpretation, nullptr), 0);
  return vips::ImagePtr{tagged};
}

vips::ImagePtr solid_rgb(int width, int height, std::array<std::uint8_t, 3> rgb) {
  return make_image<std::uint8_t>(width, height, 3, VIPS_INTERPRETATION_sRGB,
                                  [&](int, int) { return rgb; });
}

// `format` is a libvips save suffix with options, e.g. ".jpg[Q=95]".
Bytes encode(VipsImage* image, const char* format) {
  void* data = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(vips_image_write_to_buffer(image, format, &data, &size, nullptr), 0)
      << vips_error_buffer();
  vips::BufferPtr owned{data};
  const auto* begin = static_cast<const std::uint8_t*>(data);
  return Bytes(begin, begin + size);
}

// BGR at (x, y), as ints so EXPECT_NEAR prints readable numbers.
std::array<int, 3> bgr_at(const cv::Mat& mat, int x, int y) {
  const auto& p = mat.at<cv::Vec3b>(y, x);
  return {p[0], p[1], p[2]};
}

void expect_bgr_near(const cv::Mat& mat, int x, int y, std::array<int, 3> bgr, int tolerance) {
  const auto got = bgr_at(mat, x, y);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(got[c], bgr[c], tolerance) << "channel " << c << " at (" << x << ", " << y << ")";
  }
}

TEST(ImageSource, JpegRoundTripKeepsSizeAndColour) {
  auto image = solid_rgb(64, 48, {200, 30, 40});
  auto result = load_image(encode(image.get(), ".jpg[Q=95]"), "photo.jpg");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->cols, 64);
  EXPECT_EQ(result->rows, 48);
  EXPECT_EQ(result->type(), CV_8UC3);
  expect_bgr_near(*result, 10, 10, {40, 30, 200}, 6);
}

TEST(ImageSource, PngRoundTripIsExactAndBgr) {
  auto image = make_image<std::uint8_t>(32, 16, 3, VIPS_INTERPRETATION_sRGB, [](int x, int y) {
    return std::array<std::uint8_t, 3>{static_cast<std::uint8_t>(x * 8),
                                       static_cast<std::uint8_t>(y * 16), 77};
  });
  auto result = load_image(encode(image.get(), ".png"), "photo.png");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(32, 16));
  EXPECT_EQ(bgr_at(*result, 5, 3), (std::array<int, 3>{77, 48, 40}));
  EXPECT_EQ(bgr_at(*result, 31, 15), (std::array<int, 3>{77, 240, 248}));
}

TEST(ImageSource, WebpRoundTrip) {
  auto image = solid_rgb(40, 30, {20, 180, 90});
  auto lossy = load_image(encode(image.get(), ".webp[Q=90]"), "photo.webp");
  ASSERT_TRUE(lossy) << lossy.error().message;
  EXPECT_EQ(lossy->size(), cv::Size(40, 30));
  expect_bgr_near(*lossy, 20, 15, {90, 180, 20}, 8);

  auto lossless = load_image(encode(image.get(), ".webp[lossless]"), "photo.webp");
  ASSERT_TRUE(lossless) << lossless.error().message;
  EXPECT_EQ(bgr_at(*lossless, 0, 0), (std::array<int, 3>{90, 180, 20}));
}

TEST(ImageSource, LoadsFromAFile) {
  testing::TempDir dir;
  const auto bytes = encode(solid_rgb(12, 34, {1, 2, 3}).get(), ".png");
  testing::write_file(dir / "photo.png", std::string(bytes.begin(), bytes.end()));
  auto result = load_image(dir / "photo.png");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->size(), cv::Size(12, 34));
  EXPECT_EQ(bgr_at(*result, 11, 33), (std::array<int, 3>{3, 2, 1}));
}

TEST(ImageSource, TiffRoundTrip) {
  auto result = load_image(encode(solid_rgb(9, 7, {5, 6, 7}).get(), ".tif"), "scan.tif");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->size(), cv::Size(9, 7));
  EXPECT_EQ(bgr_at(*result, 8, 6), (std::array<int, 3>{7, 6, 5}));
}

// A 24-bit BMP written by hand: libvips has no BMP writer.
Bytes bmp_2x1(std::array<std::uint8_t, 3> left_bgr, std::array<std::uint8_t, 3> right_bgr) {
  Bytes bmp(54 + 8, 0);
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  bmp[0] = 'B';
  bmp[1] = 'M';
  put32(2, static_cast<std::uint32_t>(bmp.size()));
  put32(10, 54);  // pixel data offset
  put32(14, 40);  // BITMAPINFOHEADER
  put32(18, 2);   // width
  put32(22, 1);   // height
  bmp[26] = 1;    // planes
  bmp[28] = 24;   // bits per pixel
  put32(34, 8);   // image size: one row of 6 bytes padded to 8
  std::copy(left_bgr.begin(), left_bgr.end(), bmp.begin() + 54);
  std::copy(right_bgr.begin(), right_bgr.end(), bmp.begin() + 57);
  return bmp;
}

TEST(ImageSource, BmpIsRead) {
  auto result = load_image(bmp_2x1({10, 20, 30}, {200, 150, 100}), "old.bmp");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(2, 1));
  EXPECT_EQ(bgr_at(*result, 0, 0), (std::array<int, 3>{10, 20, 30}));
  EXPECT_EQ(bgr_at(*result, 1, 0), (std::array<int, 3>{200, 150, 100}));
}

TEST(ImageSource, CmykJpegKeepsItsColours) {
  auto rgb = solid_rgb(48, 48, {220, 20, 20});
  VipsImage* cmyk_raw = nullptr;
  ASSERT_EQ(vips_colourspace(rgb.get(), &cmyk_raw, VIPS_INTERPRETATION_CMYK, nullptr), 0)
      << vips_error_buffer();
  vips::ImagePtr cmyk{cmyk_raw};
  const auto bytes = encode(cmyk.get(), ".jpg[Q=95]");
  auto result = load_image(bytes, "print.jpg");
  ASSERT_TRUE(result) << result.error().message;
  const auto [b, g, r] = bgr_at(*result, 24, 24);
  EXPECT_GT(r, 170);
  EXPECT_LT(g, 80);
  EXPECT_LT(b, 80);
}

TEST(ImageSource, CmykJpegWithEmbeddedProfileKeepsItsColours) {
  // A muted blue inside the print gamut, so the round trip can stay close.
  auto rgb = solid_rgb(48, 48, {60, 100, 170});
  VipsImage* cmyk_raw = nullptr;
  ASSERT_EQ(vips_icc_export(rgb.get(), &cmyk_raw, "output_profile", "cmyk", nullptr), 0)
      << vips_error_buffer();
  vips::ImagePtr cmyk{cmyk_raw};
  ASSERT_NE(vips_image_get_typeof(cmyk.get(), VIPS_META_ICC_NAME), 0u);
  auto result = load_image(encode(cmyk.get(), ".jpg[Q=95]"), "print.jpg");
  ASSERT_TRUE(result) << result.error().message;
  expect_bgr_near(*result, 24, 24, {170, 100, 60}, 20);
}

TEST(ImageSource, SixteenBitPngBecomesEightBit) {
  auto image = make_image<std::uint16_t>(8, 8, 3, VIPS_INTERPRETATION_RGB16, [](int, int) {
    return std::array<std::uint16_t, 3>{200 * 257, 100 * 257, 10 * 257};
  });
  auto result = load_image(encode(image.get(), ".png"), "deep.png");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->type(), CV_8UC3);
  expect_bgr_near(*result, 4, 4, {10, 100, 200}, 1);
}

TEST(ImageSource, SixteenBitPngWithAlphaIsFlattened) {
  auto image = make_image<std::uint16_t>(8, 8, 4, VIPS_INTERPRETATION_RGB16, [](int x, int) {
    return x < 4 ? std::array<std::uint16_t, 4>{0, 0, 0, 0}
                 : std::array<std::uint16_t, 4>{200 * 257, 100 * 257, 10 * 257, 65535};
  });
  auto result = load_image(encode(image.get(), ".png"), "deep-cutout.png");
  ASSERT_TRUE(result) << result.error().message;
  expect_bgr_near(*result, 1, 1, {255, 255, 255}, 1);
  expect_bgr_near(*result, 6, 1, {10, 100, 200}, 1);
}

TEST(ImageSource, SixteenBitGreyPngBecomesEightBitColour) {
  auto image = make_image<std::uint16_t>(8, 8, 1, VIPS_INTERPRETATION_GREY16, [](int, int) {
    return std::array<std::uint16_t, 1>{128 * 257};
  });
  auto result = load_image(encode(image.get(), ".png"), "grey16.png");
  ASSERT_TRUE(result) << result.error().message;
  expect_bgr_near(*result, 1, 1, {128, 128, 128}, 2);
}

// Left half transparent, right half opaque blue, one column half-transparent red.
vips::ImagePtr half_transparent() {
  return make_image<std::uint8_t>(20, 10, 4, VIPS_INTERPRETATION_sRGB, [](int x, int) {
    if (x == 5) return std::array<std::uint8_t, 4>{255, 0, 0, 128};
    if (x < 10) return std::array<std::uint8_t, 4>{0, 0, 0, 0};
    return std::array<std::uint8_t, 4>{0, 0, 255, 255};
  });
}

TEST(ImageSource, AlphaIsFlattenedOntoWhiteByDefault) {
  auto result = load_image(encode(half_transparent().get(), ".png"), "cutout.png");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->type(), CV_8UC3);
  expect_bgr_near(*result, 2, 2, {255, 255, 255}, 0);
  expect_bgr_near(*result, 15, 2, {255, 0, 0}, 0);
  expect_bgr_near(*result, 5, 2, {127, 127, 255}, 2);
}

TEST(ImageSource, AlphaIsFlattenedOntoTheGivenBgrBackground) {
  ImageLoadOptions options;
  options.background = cv::Scalar(0, 200, 50);  // B, G, R
  auto result = load_image(encode(half_transparent().get(), ".png"), "cutout.png", options);
  ASSERT_TRUE(result) << result.error().message;
  expect_bgr_near(*result, 2, 2, {0, 200, 50}, 0);
  expect_bgr_near(*result, 15, 2, {255, 0, 0}, 0);
}

TEST(ImageSource, ExifOrientationIsApplied) {
  // Landscape, red on top, blue below, stored sideways: orientation 6 says "rotate 90
  // degrees clockwise to view", which moves the red top to the right.
  auto image = make_image<std::uint8_t>(600, 300, 3, VIPS_INTERPRETATION_sRGB, [](int, int y) {
    return y < 150 ? std::array<std::uint8_t, 3>{255, 0, 0}
                   : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  vips_image_set_int(image.get(), VIPS_META_ORIENTATION, 6);
  auto result = load_image(encode(image.get(), ".jpg[Q=95]"), "phone.jpg");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(300, 600));
  expect_bgr_near(*result, 250, 300, {0, 0, 255}, 20);  // red on the right
  expect_bgr_near(*result, 50, 300, {255, 0, 0}, 20);   // blue on the left
}

// A larger image is shrunk while it is decoded: the longer side becomes max_side, the aspect
// ratio and the picture stay.
TEST(ImageSource, LargeImagesAreShrunkToMaxSideKeepingTheirShape) {
  auto image = make_image<std::uint8_t>(1200, 600, 3, VIPS_INTERPRETATION_sRGB, [](int x, int) {
    return x < 600 ? std::array<std::uint8_t, 3>{255, 0, 0} : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  ImageLoadOptions options;
  options.limits.max_side = 300;
  auto result = load_image(encode(image.get(), ".png"), "big.png", options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(300, 150));
  expect_bgr_near(*result, 40, 75, {0, 0, 255}, 2);   // red half on the left
  expect_bgr_near(*result, 260, 75, {255, 0, 0}, 2);  // blue half on the right

  // At or under the limit: untouched, pixel for pixel.
  options.limits.max_side = 1200;
  auto same = load_image(encode(image.get(), ".png"), "big.png", options);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->size(), cv::Size(1200, 600));
  options.limits.max_side = 0;
  auto unlimited = load_image(encode(image.get(), ".png"), "big.png", options);
  ASSERT_TRUE(unlimited) << unlimited.error().message;
  EXPECT_EQ(unlimited->size(), cv::Size(1200, 600));
}

// A cut-out product on a transparent background whose hidden pixels are black: shrunk after
// it is flattened, so no dark fringe appears around the product on the white background.
TEST(ImageSource, ShrinkingACutoutLeavesNoFringe) {
  auto image = make_image<std::uint8_t>(800, 400, 4, VIPS_INTERPRETATION_sRGB, [](int x, int) {
    return x < 400 ? std::array<std::uint8_t, 4>{0, 0, 0, 0}
                   : std::array<std::uint8_t, 4>{255, 255, 255, 255};
  });
  ImageLoadOptions options;
  options.limits.max_side = 200;
  auto result = load_image(encode(image.get(), ".png"), "cutout.png", options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(200, 100));
  // White product on white flattening: every pixel white, the seam included.
  double lowest = 255;
  cv::minMaxLoc(result->reshape(1), &lowest);
  EXPECT_GE(lowest, 250) << "a dark fringe where transparent met opaque";
}

// Sideways phone photos are shrunk too, and still turned upright.
TEST(ImageSource, ARotatedLargePhotoIsShrunkAndUpright) {
  auto image = make_image<std::uint8_t>(1200, 600, 3, VIPS_INTERPRETATION_sRGB, [](int, int y) {
    return y < 300 ? std::array<std::uint8_t, 3>{255, 0, 0} : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  vips_image_set_int(image.get(), VIPS_META_ORIENTATION, 6);
  ImageLoadOptions options;
  options.limits.max_side = 400;
  auto result = load_image(encode(image.get(), ".jpg[Q=95]"), "phone.jpg", options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(200, 400));
  expect_bgr_near(*result, 170, 200, {0, 0, 255}, 20);  // red on the right
  expect_bgr_near(*result, 30, 200, {255, 0, 0}, 20);   // blue on the left
}

// A JPEG or WebP far larger than it will be drawn is decoded at a fraction of its size by
// its decoder itself, never below the size it will be drawn at; other formats, and pictures
// drawn more than half as large as they are, come whole.
TEST(ImageSource, AJpegDrawnSmallIsDecodedAtAFractionOfItsSize) {
  auto image = make_image<std::uint8_t>(1200, 600, 3, VIPS_INTERPRETATION_sRGB, [](int x, int) {
    return x < 600 ? std::array<std::uint8_t, 3>{255, 0, 0}
                   : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  const Bytes jpeg = encode(image.get(), ".jpg[Q=95]");
  const auto decoded_size = [&](const Bytes& bytes, int drawn_side) {
    ImageLoadOptions options;
    options.drawn_side = drawn_side;
    auto result = load_image(bytes, "photo", options);
    EXPECT_TRUE(result) << result.error().message;
    return result ? result->size() : cv::Size();
  };
  EXPECT_EQ(decoded_size(jpeg, 0), cv::Size(1200, 600));    // no promise: whole
  EXPECT_EQ(decoded_size(jpeg, 601), cv::Size(1200, 600));  // a half would be 600 < 601
  EXPECT_EQ(decoded_size(jpeg, 600), cv::Size(600, 300));   // a half: 600 >= 600
  EXPECT_EQ(decoded_size(jpeg, 300), cv::Size(300, 150));   // a quarter: 300 >= 300
  EXPECT_EQ(decoded_size(jpeg, 50), cv::Size(150, 75));     // an eighth at most
  EXPECT_EQ(decoded_size(encode(image.get(), ".webp[Q=90]"), 300), cv::Size(300, 150));
  EXPECT_EQ(decoded_size(encode(image.get(), ".webp[Q=90]"), 601), cv::Size(1200, 600));
  EXPECT_EQ(decoded_size(encode(image.get(), ".png"), 50), cv::Size(1200, 600));

  ImageLoadOptions options;
  options.drawn_side = 300;
  auto result = load_image(jpeg, "photo.jpg", options);
  ASSERT_TRUE(result) << result.error().message;
  expect_bgr_near(*result, 40, 75, {0, 0, 255}, 20);   // red half on the left
  expect_bgr_near(*result, 260, 75, {255, 0, 0}, 20);  // blue half on the right
}

// A sideways phone photo decoded at a fraction of its size is still turned upright.
TEST(ImageSource, AShrunkSidewaysJpegIsUpright) {
  auto image = make_image<std::uint8_t>(1200, 600, 3, VIPS_INTERPRETATION_sRGB, [](int, int y) {
    return y < 300 ? std::array<std::uint8_t, 3>{255, 0, 0}
                   : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  vips_image_set_int(image.get(), VIPS_META_ORIENTATION, 6);
  ImageLoadOptions options;
  options.drawn_side = 600;
  auto result = load_image(encode(image.get(), ".jpg[Q=95]"), "phone.jpg", options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(300, 600));
  expect_bgr_near(*result, 250, 300, {0, 0, 255}, 20);  // red on the right
  expect_bgr_near(*result, 50, 300, {255, 0, 0}, 20);   // blue on the left
}

TEST(ImageSource, GreyJpegHasThreeChannels) {
  auto image = make_image<std::uint8_t>(16, 16, 1, VIPS_INTERPRETATION_B_W,
                                        [](int, int) { return std::array<std::uint8_t, 1>{90}; });
  auto result = load_image(encode(image.get(), ".jpg[Q=95]"), "grey.jpg");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->type(), CV_8UC3);
  expect_bgr_near(*result, 8, 8, {90, 90, 90}, 2);
}

TEST(ImageSource, AnimatedGifGivesItsFirstFrame) {
  // Two 16x16 frames stacked: red, then blue.
  auto frames = make_image<std::uint8_t>(16, 32, 3, VIPS_INTERPRETATION_sRGB, [](int, int y) {
    return y < 16 ? std::array<std::uint8_t, 3>{255, 0, 0} : std::array<std::uint8_t, 3>{0, 0, 255};
  });
  vips_image_set_int(frames.get(), VIPS_META_PAGE_HEIGHT, 16);
  auto result = load_image(encode(frames.get(), ".gif"), "anim.gif");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), cv::Size(16, 16));
  expect_bgr_near(*result, 8, 8, {0, 0, 255}, 10);
}

TEST(ImageSource, LoadsConcurrently) {
  const auto bytes = encode(solid_rgb(300, 200, {10, 20, 30}).get(), ".jpg");
  std::vector<std::thread> threads;
  std::array<bool, 8> ok{};
  for (std::size_t i = 0; i < ok.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 10; ++round) {
        auto result = load_image(bytes, "photo.jpg");
        ok[i] = result && result->size() == cv::Size(300, 200);
        if (!ok[i]) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (bool each : ok) EXPECT_TRUE(each);
}

struct Portrait {
  const char* file;
  int width;
  int height;
};

class SharedPortraits : public ::testing::TestWithParam<Portrait> {};

TEST_P(SharedPortraits, LoadWithTheirDocumentedSizes) {
  const auto path = testing::testdata(std::string("portraits/") + GetParam().file);
  if (path.empty()) GTEST_SKIP() << "../shared/testdata/portraits is absent; skipping";
  auto result = load_image(path);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->type(), CV_8UC3);
  EXPECT_EQ(result->cols, GetParam().width);
  EXPECT_EQ(result->rows, GetParam().height);
}

INSTANTIATE_TEST_SUITE_P(Testdata, SharedPortraits,
                         ::testing::Values(Portrait{"painted-girl.jpg", 1432, 1432},
                                           Portrait{"rendered-3d.jpg", 441, 441},
                                           Portrait{"pencil-sketch.jpg", 630, 633},
                                           Portrait{"marble-statue.jpg", 559, 559}));

}  // namespace
}  // namespace pitchreel
