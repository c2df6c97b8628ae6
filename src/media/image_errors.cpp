#include "media/image_errors.h"

#include <fmt/format.h>

namespace pitchreel::image_errors {
namespace {

constexpr const char* kAccepted = "a JPEG, PNG or WebP image";

// "3600" for big numbers, "1.5" or "0.001" for small limits, never "0".
std::string megapixels(std::uint64_t pixels) {
  const double mp = static_cast<double>(pixels) / 1e6;
  return mp >= 10 ? fmt::format("{:.0f}", mp) : fmt::format("{:.2g}", mp);
}

std::string megabytes(std::uint64_t bytes) {
  const double mb = static_cast<double>(bytes) / (1 << 20);
  return mb >= 10 ? fmt::format("{:.0f} MB", mb) : fmt::format("{:.2g} MB", mb);
}

}  // namespace

Error not_found(const std::string& path) {
  return Error::invalid("image_not_found",
                        fmt::format("{} does not exist. Check the path and try again.", path));
}

Error not_a_file(const std::string& path) {
  return Error::invalid(
      "image_unreadable",
      fmt::format("{} is not a regular file. Give the path of the photo itself.", path));
}

Error cannot_read(const std::string& name, const std::string& reason) {
  return Error::invalid("image_unreadable",
                        fmt::format("{} could not be read ({}). Check that the file is readable "
                                    "and try again.",
                                    name, reason));
}

Error empty(const std::string& name) {
  return Error::invalid(
      "image_empty",
      fmt::format("{} is empty (0 bytes). Upload the photo again; the upload may have failed.",
                  name));
}

Error too_many_bytes(const std::string& name, std::uint64_t bytes, std::uint64_t limit) {
  return Error::invalid("image_too_large",
                        fmt::format("{} is {}; the limit is {}. Resize or compress it before "
                                    "uploading.",
                                    name, megabytes(bytes), megabytes(limit)));
}

Error too_many_pixels(const std::string& name, std::uint64_t width, std::uint64_t height,
                      std::uint64_t limit) {
  return Error::invalid(
      "image_too_large",
      fmt::format("{} is {}x{} pixels ({} megapixels); the limit is {} megapixels. Resize it "
                  "before uploading.",
                  name, width, height, megapixels(width * height), megapixels(limit)));
}

Error no_pixels(const std::string& name, const std::string& subject) {
  return Error::invalid("image_unreadable",
                        fmt::format("{} says it is 0 pixels wide or high, so there is no picture "
                                    "in it. Upload {} itself.",
                                    name, subject));
}

Error not_an_image(const std::string& name, const Lookalike& lookalike) {
  return Error::invalid("image_unreadable",
                        fmt::format("{} is not {} (it looks like {}). {}", name, kAccepted,
                                    lookalike.what, lookalike.advice));
}

Error unsupported_format(const std::string& name, const std::string& format) {
  return Error::invalid("image_unreadable",
                        fmt::format("{} is not {} (it is {}, which is not supported). Save it as "
                                    "a JPEG or PNG and upload that.",
                                    name, kAccepted, format));
}

Error truncated(const std::string& name) {
  return Error::invalid("image_truncated",
                        fmt::format("{} is cut off (truncated): the file ends before the image "
                                    "data does. Upload the complete file.",
                                    name));
}

Error damaged(const std::string& name, const std::string& format) {
  return Error::invalid("image_unreadable",
                        fmt::format("{} is a {} image but it is damaged and cannot be decoded. "
                                    "Open it in an image editor, save it again as a JPEG or PNG "
                                    "and upload that.",
                                    name, format));
}

Error internal(const std::string& name) {
  return Error::internal(
      "image_decode_failed",
      fmt::format("{} could not be decoded because of an internal error.", name));
}

}  // namespace pitchreel::image_errors
