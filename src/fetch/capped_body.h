// CappedBody: a response body kept in memory up to a byte limit, filled by libcurl's write
// callback. Returning short from the callback makes libcurl abort with CURLE_WRITE_ERROR,
// so a body with no (or a lying) Content-Length never buffers past the cap; `too_large`
// tells that abort apart from other write errors.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pitchreel::fetch {

struct CappedBody {
  std::vector<std::uint8_t> bytes;
  std::uint64_t max_bytes = 0;
  bool too_large = false;

  // For CURLOPT_WRITEFUNCTION, with CURLOPT_WRITEDATA pointing at the CappedBody.
  static std::size_t write(char* data, std::size_t size, std::size_t count, void* user) {
    auto& body = *static_cast<CappedBody*>(user);
    const std::size_t n = size * count;
    if (n > body.max_bytes - std::min<std::uint64_t>(body.max_bytes, body.bytes.size())) {
      body.too_large = true;
      return 0;
    }
    body.bytes.insert(body.bytes.end(), data, data + n);
    return n;
  }
};

}  // namespace pitchreel::fetch
