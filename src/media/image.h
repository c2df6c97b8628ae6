// ImageSource: reads a product photo or portrait from a file or from bytes in memory.
//
// Contract:
// - Accepts JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF, JPEG XL and BMP (first page or frame
//   of multi-page files). Refuses PDF, SVG and whatever only ImageMagick would read:
//   not photos, and too much attack surface for uploads.
// - The dimensions come from the header and are checked against `max_pixels` before the
//   pixels are decoded: a small file claiming 60000x60000 never allocates gigabytes.
// - EXIF orientation is applied, alpha is flattened onto `background`, grayscale, CMYK
//   and 16-bit inputs are converted, so the result is always 8-bit sRGB, upright.
// - The result's longer side is at most `max_side`, and a JPEG or WebP may come at a half, a
//   quarter or an eighth of its size when `drawn_side` says that is still more than will be
//   drawn.
// - Errors (all ErrorKind::kInvalidInput) name the file and say what it looks like:
//   "image_empty", "image_unreadable" (not an image; says e.g. "it looks like HTML"),
//   "image_truncated", "image_too_large"; a missing file is "image_not_found". A failure
//   that is our fault (out of memory, a library bug) is ErrorKind::kInternal,
//   "image_decode_failed". Nothing throws.
// - Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace pitchreel {

struct ImageLimits {
  std::uint64_t max_pixels = 50'000'000;  // width * height, checked before decoding
  std::uint64_t max_bytes = 50ull << 20;  // encoded size, checked before a file is read
  // The longer side of the decoded result: a larger image is shrunk (Lanczos) while it is
  // decoded, streaming, so decoding costs memory for the result, not for the upload (a
  // 7000x7000 PNG: 48 MB instead of ~290 MB). 1080p renders never need more, and the render
  // takes the pictures at this size (0: no limit, and no bound on their memory).
  int max_side = 4096;
};

struct ImageLoadOptions {
  ImageLimits limits;
  cv::Scalar background{255, 255, 255};  // BGR, what transparent pixels are flattened onto
  // What the picture is for, as the errors' advice names it ("Upload the product photo
  // itself."): the product photo, or the presenter's portrait.
  std::string subject = "the product photo";
  // The most the caller will draw of the picture, on its longer side, in pixels (0: no
  // promise). A JPEG or WebP at least twice that size is decoded at 1/2, 1/4 or 1/8 scale
  // by its decoder (libjpeg's inverse DCT, libwebp's rescaler), keeping at least this many
  // pixels on its longer side: a 12-megapixel photo for a 1080p or 720p video decodes in a
  // quarter of the memory.
  int drawn_side = 0;
};

// Returns a CV_8UC3 BGR image.
Result<cv::Mat> load_image(const std::filesystem::path& path, const ImageLoadOptions& options = {});
// `name` is only used in error messages (e.g. the uploaded file's name).
Result<cv::Mat> load_image(std::span<const std::uint8_t> bytes, const std::string& name,
                           const ImageLoadOptions& options = {});

}  // namespace pitchreel
