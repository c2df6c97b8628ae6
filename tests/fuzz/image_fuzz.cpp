// Image sniffing and header reading as an upload meets them: load_image on the uploaded
// bytes (libvips picks a loader from the bytes, reads the header, checks the pixel limit,
// then decodes), plus the sniffers that word its errors. Beyond crashes: a decoded image is
// 8-bit BGR within the limits; every refusal is one of the documented codes with a message
// naming the upload; the sniffers always have an answer.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include <vips/vips.h>

#include "media/image.h"
#include "media/image_sniff.h"
#include "media/image_vips.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pitchreel::vips::started()) std::abort();
  // Each input is decoded once: libvips' operation cache would only grow.
  vips_cache_set_max(0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto lookalike = pitchreel::sniff_non_image(bytes);
  if (lookalike.what.empty() || lookalike.advice.empty()) std::abort();
  (void)pitchreel::looks_truncated(bytes);

  pitchreel::ImageLoadOptions options;
  options.limits.max_pixels = 1'000'000;  // small images decode fast; the check is the same
  const auto image = pitchreel::load_image(bytes, "upload.bin", options);
  if (image) {
    if (image->type() != CV_8UC3 || image->empty()) std::abort();
    if (static_cast<std::uint64_t>(image->rows) * image->cols > options.limits.max_pixels) std::abort();
    return 0;
  }
  const auto& error = image.error();
  if (error.code != "image_empty" && error.code != "image_unreadable" && error.code != "image_truncated" &&
      error.code != "image_too_large" && error.code != "image_decode_failed") {
    std::abort();
  }
  if (error.message.find("upload.bin") == std::string::npos) std::abort();
  return 0;
}
