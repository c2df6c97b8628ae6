// load_image: the module boundary. Files are read whole (after a size check) and
// handed to the same path as uploaded bytes; nothing below may throw past here.
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>
#include <vector>

#include "media/image.h"
#include "media/image_decode.h"
#include "media/image_errors.h"

namespace pitchreel {

Result<cv::Mat> load_image(const std::filesystem::path& path, const ImageLoadOptions& options) {
  const std::string name = path.filename().string();
  try {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) return fail(image_errors::not_found(path.string()));
    if (!std::filesystem::is_regular_file(status)) {
      return fail(image_errors::not_a_file(path.string()));
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail(image_errors::cannot_read(name, ec.message()));
    if (size > options.limits.max_bytes) {
      return fail(image_errors::too_many_bytes(name, size, options.limits.max_bytes));
    }

    std::vector<std::uint8_t> bytes(size);
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(image_errors::cannot_read(name, std::strerror(errno)));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    // A file that shrank since file_size() is decoded as it is now (and reported truncated).
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return load_image(bytes, name, options);
  } catch (const std::exception& e) {
    spdlog::error("image read failed name=\"{}\" what=\"{}\"", name, e.what());
    return fail(image_errors::internal(name));
  }
}

Result<cv::Mat> load_image(std::span<const std::uint8_t> bytes, const std::string& name,
                           const ImageLoadOptions& options) {
  try {
    if (bytes.empty()) return fail(image_errors::empty(name));
    if (bytes.size() > options.limits.max_bytes) {
      return fail(image_errors::too_many_bytes(name, bytes.size(), options.limits.max_bytes));
    }
    return decode_image(bytes, name, options);
  } catch (const std::bad_alloc&) {
    spdlog::error("image decode out of memory name=\"{}\" bytes={}", name, bytes.size());
  } catch (const cv::Exception& e) {
    spdlog::error("image decode failed name=\"{}\" opencv=\"{}\"", name, e.what());
  } catch (const std::exception& e) {
    spdlog::error("image decode failed name=\"{}\" what=\"{}\"", name, e.what());
  }
  return fail(image_errors::internal(name));
}

}  // namespace pitchreel
