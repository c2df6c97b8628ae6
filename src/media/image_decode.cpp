#include "media/image_decode.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "media/image_errors.h"
#include "media/image_sniff.h"
#include "media/image_vips.h"

namespace pitchreel {
namespace {

struct Format {
  std::string_view loader;  // part of the libvips loader class name, lower case
  std::string_view name;    // for users
};

// Loaders whose libraries are meant for untrusted input. libvips would also render PDFs,
// SVGs and anything ImageMagick reads; those are either not photos or too much attack
// surface for an upload. ImageMagick is kept for BMP only (see allowed_format).
constexpr std::array kTrusted = {
    Format{"jpeg", "JPEG"},   Format{"png", "PNG"},   Format{"webp", "WebP"},
    Format{"gif", "GIF"},     Format{"tiff", "TIFF"}, Format{"heif", "HEIF/AVIF"},
    Format{"jxl", "JPEG XL"},
};

std::optional<std::string_view> allowed_format(std::string_view loader,
                                               std::span<const std::uint8_t> bytes) {
  std::string lower(loader);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& format : kTrusted) {
    if (lower.find(format.loader) != std::string::npos) return format.name;
  }
  if (loader.find("Magick") != std::string_view::npos && bytes.size() >= 2 && bytes[0] == 'B' &&
      bytes[1] == 'M') {
    return "BMP";
  }
  return std::nullopt;
}

// "VipsForeignLoadPdfBuffer" -> "a PDF file", for formats we recognise but refuse.
std::string refused_format(std::string_view loader) {
  std::string_view name = loader;
  if (name.starts_with("VipsForeignLoad")) name.remove_prefix(15);
  if (name.ends_with("Buffer")) name.remove_suffix(6);
  if (name == "Magick") return "an image format we do not read";
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "a " + upper + " file";
}

// One pipeline step: runs `op`, which writes its output image, and moves the
// pipeline on. False (image untouched) when libvips refuses.
template <typename Op>
bool step(vips::ImagePtr& image, Op op) {
  VipsImage* out = nullptr;
  if (op(image.get(), &out) != 0) return false;
  image.reset(out);
  return true;
}

Error decode_failure(std::span<const std::uint8_t> bytes, const std::string& name,
                     std::string_view format, std::string_view stage) {
  const std::string detail = vips::take_error();
  spdlog::info("image decode failed name=\"{}\" format={} stage={} libvips=\"{}\"", name, format,
               stage, detail);
  // libjpeg says "Premature end of input file" when the bytes run out (its "premature
  // end of data segment" is corruption); other decoders are vaguer, hence the sniff.
  if (looks_truncated(bytes) || detail.find("Premature end of input") != std::string::npos ||
      detail.find("Premature end of JPEG") != std::string::npos ||
      detail.find("truncated") != std::string::npos) {
    return image_errors::truncated(name);
  }
  return image_errors::damaged(name, std::string(format));
}

int orientation(VipsImage* image) {
  int value = 1;
  if (vips_image_get_typeof(image, VIPS_META_ORIENTATION) == 0) return 1;
  if (vips_image_get_int(image, VIPS_META_ORIENTATION, &value) != 0) {
    vips::take_error();
    return 1;
  }
  return value;
}

// Applies the EXIF orientation. Rotating reads the source out of order, which a
// sequential loader cannot do, so a rotated photo is decoded into memory first.
bool orient(vips::ImagePtr& image) {
  if (orientation(image.get()) <= 1) return true;
  return step(image,
              [](VipsImage* in, VipsImage** out) {
                *out = vips_image_copy_memory(in);
                return *out ? 0 : -1;
              }) &&
         step(image, [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); });
}

// Profiles matter for phone photos (Display P3) and CMYK print files: without them
// the colours shift. A profile libvips cannot use is ignored, like a browser would.
void apply_embedded_profile(vips::ImagePtr& image, const std::string& name) {
  if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME) == 0) return;
  if (!step(image, [](VipsImage* in, VipsImage** out) {
        return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "depth", 8, nullptr);
      })) {
    spdlog::debug("image icc profile ignored name=\"{}\" libvips=\"{}\"", name, vips::take_error());
  }
}

// After colourspace and flatten the image is usually 3-band uchar already; this
// covers the odd ones (float TIFFs, unknown interpretations, 2-band files).
bool to_rgb8(vips::ImagePtr& image) {
  const VipsBandFormat format = vips_image_get_format(image.get());
  if (format != VIPS_FORMAT_UCHAR) {
    const bool wide_int = format == VIPS_FORMAT_USHORT || format == VIPS_FORMAT_SHORT;
    if (!step(image, [&](VipsImage* in, VipsImage** out) {
          return vips_cast(in, out, VIPS_FORMAT_UCHAR, "shift", wide_int, nullptr);
        })) {
      return false;
    }
  }
  const int bands = vips_image_get_bands(image.get());
  if (bands > 3) {
    return step(image, [](VipsImage* in, VipsImage** out) {
      return vips_extract_band(in, out, 0, "n", 3, nullptr);
    });
  }
  if (bands < 3) {
    return step(image, [](VipsImage* in, VipsImage** out) {
      VipsImage* first = nullptr;
      if (vips_extract_band(in, &first, 0, nullptr) != 0) return -1;
      const vips::ImagePtr owner{first};  // bandjoin takes its own references
      std::array<VipsImage*, 3> copies = {first, first, first};
      return vips_bandjoin(copies.data(), out, 3, nullptr);
    });
  }
  return true;
}

// Shrinks so the longer side is at most `max_side` (0: no limit). Lazy like the rest of the
// pipeline: with a sequential loader the rows stream through the filter.
bool shrink_to(vips::ImagePtr& image, int max_side) {
  const int longer = std::max(vips_image_get_width(image.get()), vips_image_get_height(image.get()));
  if (max_side <= 0 || longer <= max_side) return true;
  const double scale = static_cast<double>(max_side) / longer;
  return step(image, [&](VipsImage* in, VipsImage** out) {
    return vips_resize(in, out, scale, "kernel", VIPS_KERNEL_LANCZOS3, nullptr);
  });
}

// The factor a JPEG or WebP may be scaled down by while it decodes (1, 2, 4 or 8: libjpeg's
// inverse DCT, libwebp's rescaler): the largest that keeps at least the `drawn_side` the
// picture will be drawn at on its longer side, so the render only ever reduces it. The
// composed frames stay 52-61 dB from a whole decode's, the closest where the product is drawn
// at nearly the decoded size (a grainy 12-megapixel photo at 16:9 1080p without captions:
// 1.09 times; docs/benchmarks.md).
constexpr std::string_view kJpegLoader = "VipsForeignLoadJpeg";  // ...File, ...Buffer, ...
constexpr std::string_view kWebpLoader = "VipsForeignLoadWebp";

int scaled_decode(std::string_view loader, std::uint64_t longer, int drawn_side) {
  const bool scalable = loader.starts_with(kJpegLoader) || loader.starts_with(kWebpLoader);
  if (drawn_side <= 0 || !scalable) return 1;
  const auto keep = static_cast<std::uint64_t>(drawn_side);
  int shrink = 1;
  // The scaled size is rounded up.
  while (shrink < 8 && (longer + 2 * shrink - 1) / (2 * shrink) >= keep) shrink *= 2;
  return shrink;
}

// Opens the header again, for a decode at 1/shrink of the size (see scaled_decode).
VipsImage* open_scaled(std::span<const std::uint8_t> bytes, std::string_view loader, int shrink) {
  if (loader.starts_with(kWebpLoader)) {
    return vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                      VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED,
                                      "scale", 1.0 / shrink, nullptr);
  }
  return vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                    VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED,
                                    "shrink", shrink, nullptr);
}

// libvips hands over RGB; OpenCV wants BGR. Swapped in place once the pixels are in the
// result: reordering the bands inside libvips (three band extractions and a join) copied a
// 12-megapixel photo several times over, 60 ms of its 140; this loop takes 5-7 ms on it,
// cv::cvtColor(COLOR_RGB2BGR) in place about 100.
void rgb_to_bgr_in_place(cv::Mat& image) {
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < image.cols; ++x) std::swap(row[x][0], row[x][2]);
  }
}

}  // namespace

Result<cv::Mat> decode_image(std::span<const std::uint8_t> bytes, const std::string& name,
                             const ImageLoadOptions& options) {
  if (!vips::started()) return fail(image_errors::internal(name));

  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (loader == nullptr) {
    vips::take_error();
    if (looks_truncated(bytes)) return fail(image_errors::truncated(name));
    return fail(image_errors::not_an_image(name, sniff_non_image(bytes, options.subject)));
  }
  const auto format = allowed_format(loader, bytes);
  if (!format) {
    const Lookalike lookalike = sniff_non_image(bytes, options.subject);
    if (lookalike.what != "unknown binary data" && lookalike.what != "plain text") {
      return fail(image_errors::not_an_image(name, lookalike));
    }
    return fail(image_errors::unsupported_format(name, refused_format(loader)));
  }

  // Sequential access makes this read the header only: the size check below runs
  // before a single pixel is decoded.
  vips::ImagePtr image{vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                                  VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                                  VIPS_FAIL_ON_TRUNCATED, nullptr)};
  if (!image) return fail(decode_failure(bytes, name, *format, "header"));

  const auto width = static_cast<std::uint64_t>(std::max(0, vips_image_get_width(image.get())));
  const auto height = static_cast<std::uint64_t>(std::max(0, vips_image_get_height(image.get())));
  if (width == 0 || height == 0) return fail(image_errors::no_pixels(name, options.subject));
  if (width * height > options.limits.max_pixels) {
    return fail(image_errors::too_many_pixels(name, width, height, options.limits.max_pixels));
  }
  if (const int shrink = scaled_decode(loader, std::max(width, height), options.drawn_side);
      shrink > 1) {
    image.reset(open_scaled(bytes, loader, shrink));
    if (!image) return fail(decode_failure(bytes, name, *format, "header"));
  }

  // Before the rotation (which holds the whole image in memory) when that is safe; an image
  // with alpha is shrunk after it is flattened, so transparent pixels' colours do not bleed
  // into the edges.
  const bool alpha = vips_image_hasalpha(image.get());
  if (!alpha && !shrink_to(image, options.limits.max_side)) {
    return fail(decode_failure(bytes, name, *format, "resize"));
  }
  if (!orient(image)) return fail(decode_failure(bytes, name, *format, "orient"));
  apply_embedded_profile(image, name);
  if (!step(image, [](VipsImage* in, VipsImage** out) {
        return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
      })) {
    spdlog::debug("image colourspace skipped name=\"{}\" libvips=\"{}\"", name, vips::take_error());
  }
  if (vips_image_hasalpha(image.get())) {
    // options.background is BGR like the rest of OpenCV; libvips wants RGB.
    std::array<double, 3> rgb = {options.background[2], options.background[1],
                                 options.background[0]};
    const vips::ArrayDoublePtr background{vips_array_double_new(rgb.data(), 3)};
    if (!step(image, [&](VipsImage* in, VipsImage** out) {
          return vips_flatten(in, out, "background", background.get(), nullptr);
        })) {
      return fail(decode_failure(bytes, name, *format, "flatten"));
    }
  }
  if (!to_rgb8(image)) return fail(decode_failure(bytes, name, *format, "convert"));
  if (alpha && !shrink_to(image, options.limits.max_side)) {
    return fail(decode_failure(bytes, name, *format, "resize"));
  }
  // The pixels are decoded here, straight into the result, so this is where truncation
  // shows up.
  const int out_width = vips_image_get_width(image.get());
  const int out_height = vips_image_get_height(image.get());
  cv::Mat bgr(out_height, out_width, CV_8UC3);
  const std::size_t size = bgr.total() * bgr.elemSize();
  const vips::ImagePtr target{
      vips_image_new_from_memory(bgr.data, size, out_width, out_height, 3, VIPS_FORMAT_UCHAR)};
  if (!target) return fail(image_errors::internal(name));
  if (vips_image_write(image.get(), target.get()) != 0) {
    return fail(decode_failure(bytes, name, *format, "decode"));
  }
  rgb_to_bgr_in_place(bgr);
  // Warnings from a successful decode stay in libvips' shared buffer; drop them so
  // they are not blamed on the next failure.
  if (const std::string warnings = vips::take_error(); !warnings.empty()) {
    spdlog::debug("image decoded with warnings name=\"{}\" libvips=\"{}\"", name, warnings);
  }
  return bgr;
}

}  // namespace pitchreel
