// load_image on inputs users really upload by mistake, and on hostile ones: each must
// come back as a clear error (never a crash, never a huge allocation).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "media/image.h"
#include "media/image_vips.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

// A w x h mid-grey-and-colour test card, encoded with a libvips save suffix (".jpg").
Bytes encoded_card(int width, int height, const char* format) {
  EXPECT_TRUE(vips::started());
  std::vector<std::uint8_t> rgb;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      rgb.insert(rgb.end(), {static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y), 128});
    }
  }
  vips::ImagePtr image{
      vips_image_new_from_memory_copy(rgb.data(), rgb.size(), width, height, 3, VIPS_FORMAT_UCHAR)};
  void* data = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(vips_image_write_to_buffer(image.get(), format, &data, &size, nullptr), 0);
  vips::BufferPtr owned{data};
  const auto* begin = static_cast<const std::uint8_t*>(data);
  return Bytes(begin, begin + size);
}

std::uint32_t crc32(std::span<const std::uint8_t> data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put_be32(Bytes& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
}

// A real PNG whose IHDR (with a valid CRC) claims another size; the pixel data stays tiny.
Bytes png_claiming(std::uint32_t width, std::uint32_t height) {
  Bytes png = encoded_card(4, 4, ".png");
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more, CRC (4).
  put_be32(png, 16, width);
  put_be32(png, 20, height);
  put_be32(png, 29, crc32(std::span(png).subspan(12, 17)));
  return png;
}

void expect_error(const Result<cv::Mat>& result, const std::string& code,
                  const std::vector<std::string>& phrases) {
  ASSERT_FALSE(result) << "expected " << code;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  for (const auto& phrase : phrases) {
    EXPECT_NE(result.error().message.find(phrase), std::string::npos)
        << "'" << phrase << "' missing from: " << result.error().message;
  }
}

TEST(ImageReject, MissingFile) {
  testing::TempDir dir;
  expect_error(load_image(dir / "nowhere.jpg"), "image_not_found", {"nowhere.jpg"});
}

TEST(ImageReject, Folder) {
  testing::TempDir dir;
  expect_error(load_image(dir.path()), "image_unreadable", {"not a regular file"});
}

TEST(ImageReject, ZeroByteFile) {
  testing::TempDir dir;
  testing::write_file(dir / "photo.jpg", "");
  expect_error(load_image(dir / "photo.jpg"), "image_empty", {"photo.jpg", "0 bytes"});
}

TEST(ImageReject, HtmlSavedAsJpeg) {
  testing::TempDir dir;
  testing::write_file(dir / "photo.jpg",
                      "\n  <!DOCTYPE html>\n<html><head><title>Product</title></head>"
                      "<body><img src=\"photo.jpg\"></body></html>\n");
  expect_error(load_image(dir / "photo.jpg"), "image_unreadable",
               {"photo.jpg", "HTML", "not a JPEG, PNG or WebP image", "web page"});
}

TEST(ImageReject, OtherThingsThatAreNotPhotos) {
  expect_error(load_image(bytes_of("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),
                          "brochure.jpg"),
               "image_unreadable", {"brochure.jpg", "PDF"});
  expect_error(load_image(bytes_of("https://example.com/photo.jpg\n"), "link.jpg"),
               "image_unreadable", {"plain text"});
  expect_error(load_image(bytes_of(std::string("\0\0\0\x18"
                                               "ftypmp42\0\0\0\0mp42isom",
                                               24)),
                          "clip.png"),
               "image_unreadable", {"video"});
  expect_error(load_image(bytes_of(std::string("PK\x03\x04\x14\0\0\0\x08\0", 10)), "photos.jpg"),
               "image_unreadable", {"ZIP"});
  expect_error(load_image(bytes_of(std::string("\x01\x02\x03\xF0\xFF\x00\x80", 7)), "x.jpg"),
               "image_unreadable", {"unknown binary data"});
  expect_error(load_image(bytes_of("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9\" "
                                   "height=\"9\"></svg>"),
                          "logo.png"),
               "image_unreadable", {"SVG"});
}

TEST(ImageReject, TruncatedJpeg) {
  Bytes jpeg = encoded_card(256, 256, ".jpg[Q=95]");
  jpeg.resize(jpeg.size() / 2);
  expect_error(load_image(jpeg, "photo.jpg"), "image_truncated",
               {"photo.jpg", "cut off (truncated)", "Upload the complete file."});
}

// Decoded at a fraction of its size (ImageLoadOptions::drawn_side) every block of the file
// is still read, so a cut-off JPEG or WebP is reported the same way.
TEST(ImageReject, TruncatedJpegAndWebpDecodedScaled) {
  ImageLoadOptions scaled;
  scaled.drawn_side = 64;  // a quarter of the 256-pixel card
  Bytes jpeg = encoded_card(256, 256, ".jpg[Q=95]");
  Bytes webp = encoded_card(256, 256, ".webp[Q=90]");
  // Whole, these options decode them at a quarter: the scaled decode is the one cut off.
  for (const Bytes* whole : {&jpeg, &webp}) {
    const auto decoded = load_image(*whole, "photo", scaled);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->size(), cv::Size(64, 64));
  }
  jpeg.resize(jpeg.size() / 2);
  expect_error(load_image(jpeg, "photo.jpg", scaled), "image_truncated", {"photo.jpg"});
  webp.resize(webp.size() / 2);
  expect_error(load_image(webp, "photo.webp", scaled), "image_truncated", {"photo.webp"});
}

TEST(ImageReject, TruncatedPng) {
  Bytes png = encoded_card(256, 256, ".png");
  png.resize(png.size() / 2);
  expect_error(load_image(png, "photo.png"), "image_truncated", {"photo.png"});
}

TEST(ImageReject, JpegCutInsideItsHeader) {
  Bytes jpeg = encoded_card(64, 64, ".jpg");
  jpeg.resize(40);
  expect_error(load_image(jpeg, "photo.jpg"), "image_truncated", {"photo.jpg"});
}

TEST(ImageReject, HugeDimensionsAreRefusedFromTheHeader) {
  const Bytes png = png_claiming(60000, 60000);
  const auto start = std::chrono::steady_clock::now();
  const auto result = load_image(png, "bomb.png");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  expect_error(result, "image_too_large",
               {"bomb.png", "60000x60000 pixels (3600 megapixels)", "limit is 50 megapixels"});
  // Decoding 3.6 gigapixels would take minutes and ~10 GB; the header check takes
  // milliseconds. The bound is loose so that a loaded machine cannot fail it.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(ImageReject, PixelLimitIsConfigurable) {
  const Bytes png = encoded_card(100, 100, ".png");
  ImageLoadOptions tight;
  tight.limits.max_pixels = 9'999;
  expect_error(load_image(png, "photo.png", tight), "image_too_large", {"100x100 pixels"});
  tight.limits.max_pixels = 10'000;
  EXPECT_TRUE(load_image(png, "photo.png", tight));
}

TEST(ImageReject, ByteLimitIsCheckedBeforeReading) {
  testing::TempDir dir;
  const Bytes png = encoded_card(64, 64, ".png");
  testing::write_file(dir / "photo.png", std::string(png.begin(), png.end()));
  ImageLoadOptions tight;
  tight.limits.max_bytes = png.size() - 1;
  expect_error(load_image(dir / "photo.png", tight), "image_too_large", {"photo.png", "MB"});
  expect_error(load_image(png, "photo.png", tight), "image_too_large", {"photo.png"});
}

TEST(ImageReject, ZeroSizeHeader) {
  expect_error(load_image(png_claiming(0, 10), "empty.png"), "image_unreadable", {"empty.png"});
}

// Random damage must give a value (an image or an input error), never a crash or a throw.
TEST(ImageReject, CorruptedBytesNeverCrash) {
  std::mt19937 rng(1234);
  for (const char* format : {".jpg", ".png", ".webp", ".gif"}) {
    const Bytes original = encoded_card(64, 48, format);
    for (int round = 0; round < 60; ++round) {
      Bytes damaged = original;
      std::uniform_int_distribution<std::size_t> where(0, damaged.size() - 1);
      const int flips = 1 + round % 8;
      for (int i = 0; i < flips; ++i) damaged[where(rng)] = static_cast<std::uint8_t>(rng());
      if (round % 5 == 0) damaged.resize(where(rng) + 1);
      const auto result = load_image(damaged, "fuzz");
      if (result) {
        EXPECT_EQ(result->type(), CV_8UC3);
      } else {
        EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput)
            << format << " round " << round << ": " << result.error().message;
      }
    }
  }
}

}  // namespace
}  // namespace pitchreel
