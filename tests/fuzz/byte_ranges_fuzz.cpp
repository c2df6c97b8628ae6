// Range header parsing (http::parse_byte_ranges): the first 8 bytes are the body's size,
// the rest the header. Beyond crashes, the contract is checked on every input: ranges
// sorted, disjoint and not adjacent, inside the body, at most max_ranges of them, so the
// answer can never be larger than the body.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "http/byte_ranges.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  std::uint64_t body_size = 0;
  std::memcpy(&body_size, data, 8);
  body_size %= (1ull << 40);  // up to a terabyte: sizes a stored object can have
  const std::string_view header(reinterpret_cast<const char*>(data + 8), size - 8);
  const auto request = pitchreel::http::parse_byte_ranges(header, body_size, 8);
  using Kind = pitchreel::http::RangeRequest::Kind;
  if (request.kind != Kind::kPartial) {
    if (!request.ranges.empty()) std::abort();
    return 0;
  }
  if (request.ranges.empty() || request.ranges.size() > 8) std::abort();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < request.ranges.size(); ++i) {
    const auto& r = request.ranges[i];
    if (r.first > r.last || r.last >= body_size) std::abort();
    if (i > 0 && r.first <= request.ranges[i - 1].last + 1) std::abort();  // overlapping or adjacent
    total += r.length();
  }
  if (total > body_size) std::abort();
  return 0;
}
