#include "fetch/body_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pitchreel::fetch {

BodySource file_range_source(int fd, std::uint64_t offset, std::uint64_t length) {
  BodySource source;
  source.length = length;
  source.read = [fd, offset, length](std::uint64_t at,
                                     std::span<char> buffer) -> std::optional<std::size_t> {
    if (at >= length) return std::size_t{0};
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(length - at, buffer.size()));
    for (;;) {
      const ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset + at));
      if (n > 0) return static_cast<std::size_t>(n);
      if (n < 0 && errno == EINTR) continue;
      return std::nullopt;  // an error, or the file is shorter than the range
    }
  };
  return source;
}

BodySource memory_source(std::string_view bytes) {
  BodySource source;
  source.length = bytes.size();
  source.read = [bytes](std::uint64_t at, std::span<char> buffer) -> std::optional<std::size_t> {
    if (at >= bytes.size()) return std::size_t{0};
    const auto n =
        static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size() - at, buffer.size()));
    std::copy_n(bytes.data() + at, n, buffer.data());
    return n;
  };
  return source;
}

}  // namespace pitchreel::fetch
