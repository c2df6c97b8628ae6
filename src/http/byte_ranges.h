// Range requests (RFC 9110 section 14): which bytes of a representation of `size` bytes a
// "Range: bytes=..." header asks for.
//
// Ranges are bounds-checked against `size` (ends past the end are clamped), overlapping
// and adjacent ranges are merged (so repeating one range cannot multiply the answer), and
// more than `max_ranges` after merging means the header is ignored (the whole body is
// sent, as nginx does) rather than served piecemeal. A header that cannot be parsed, or
// names a unit other than bytes, is ignored too, as the RFC asks.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace pitchreel::http {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

struct RangeRequest {
  enum class Kind {
    kWhole,          // no usable Range header: 200 with the whole body
    kPartial,        // 206 with `ranges` (one: a plain body; several: multipart/byteranges)
    kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
  };
  Kind kind = Kind::kWhole;
  std::vector<ByteRange> ranges;  // sorted, disjoint, non-adjacent, within the body
};

inline constexpr std::size_t kDefaultMaxRanges = 8;

RangeRequest parse_byte_ranges(std::string_view header, std::uint64_t size,
                               std::size_t max_ranges = kDefaultMaxRanges);

}  // namespace pitchreel::http
