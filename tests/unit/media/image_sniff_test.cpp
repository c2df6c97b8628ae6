#include "media/image_sniff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pitchreel {
namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string what(const std::string& s) { return sniff_non_image(bytes(s)).what; }

TEST(ImageSniff, RecognisesWhatUsersUploadByMistake) {
  EXPECT_EQ(what("<!DOCTYPE html><html></html>"), "HTML");
  EXPECT_EQ(what("\xEF\xBB\xBF\r\n  <HTML lang=en>"), "HTML");
  EXPECT_EQ(what("<!-- saved from url --><html>"), "HTML");
  EXPECT_EQ(what("<?xml version=\"1.0\"?><rss/>"), "an XML document");
  EXPECT_EQ(what("<?xml version=\"1.0\"?>\n<svg width=\"1\"/>"), "an SVG drawing");
  EXPECT_EQ(what("%PDF-1.7\n..."), "a PDF document");
  EXPECT_EQ(what(std::string("\0\0\0\x20"
                             "ftypisom",
                             12)),
            "a video");
  EXPECT_EQ(what(std::string("\x1A\x45\xDF\xA3\x01", 5)), "a video");
  EXPECT_EQ(what(std::string("PK\x03\x04", 4)), "a ZIP archive");
  EXPECT_EQ(what("just some words\nover two lines\n"), "plain text");
  EXPECT_EQ(what(std::string("\x00\x01\x02\xFE", 4)), "unknown binary data");
  EXPECT_FALSE(sniff_non_image(bytes("<html>")).advice.empty());
}

TEST(ImageSniff, SpotsMissingEndMarkers) {
  const std::string jpeg_start = "\xFF\xD8\xFF\xE0" + std::string(100, 'x');
  EXPECT_TRUE(looks_truncated(bytes(jpeg_start)));
  EXPECT_FALSE(looks_truncated(bytes(jpeg_start + "\xFF\xD9")));
  EXPECT_FALSE(looks_truncated(bytes(jpeg_start + "\xFF\xD9" + std::string(10, '\0'))));

  const std::string png_start = "\x89PNG\r\n\x1A\n" + std::string(100, 'x');
  EXPECT_TRUE(looks_truncated(bytes(png_start)));
  EXPECT_FALSE(looks_truncated(bytes(png_start + "IEND\xAE\x42\x60\x82")));

  // RIFF size 8 + 4 = 12 bytes after the first 8; 20 in all.
  const std::string webp = std::string("RIFF\x0C\0\0\0WEBP", 12) + "VP8 ";
  EXPECT_TRUE(looks_truncated(bytes(webp)));
  EXPECT_FALSE(looks_truncated(bytes(webp + "abcd")));

  EXPECT_FALSE(looks_truncated(bytes("plain text")));
}

}  // namespace
}  // namespace pitchreel
