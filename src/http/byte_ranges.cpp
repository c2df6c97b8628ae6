#include "http/byte_ranges.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace pitchreel::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (no sign, no space): from_chars alone would accept a leading '-' for none
// but fails on overflow, which we treat as invalid too.
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

RangeRequest parse_byte_ranges(std::string_view header, std::uint64_t size, std::size_t max_ranges) {
  RangeRequest whole;
  header = trim(header);
  if (header.substr(0, 6) != "bytes=") return whole;
  std::string_view specs = header.substr(6);
  std::vector<ByteRange> ranges;
  std::size_t specs_seen = 0;
  for (;;) {
    const auto comma = specs.find(',');
    const std::string_view spec = trim(specs.substr(0, comma));
    if (!spec.empty()) {  // "a-b, , c-d": empty list elements are allowed
      ++specs_seen;
      const auto dash = spec.find('-');
      if (dash == std::string_view::npos) return whole;
      const auto first_text = trim(spec.substr(0, dash)), last_text = trim(spec.substr(dash + 1));
      if (first_text.empty()) {  // "-n": the last n bytes
        const auto suffix = number(last_text);
        if (!suffix) return whole;
        if (*suffix > 0 && size > 0) ranges.push_back({size - std::min(*suffix, size), size - 1});
      } else {
        const auto first = number(first_text);
        if (!first) return whole;
        std::uint64_t last = size == 0 ? 0 : size - 1;
        if (!last_text.empty()) {
          const auto given = number(last_text);
          if (!given || *given < *first) return whole;
          last = std::min(*given, last);
        }
        if (*first < size) ranges.push_back({*first, last});  // else unsatisfiable on its own
      }
    }
    if (comma == std::string_view::npos) break;
    specs.remove_prefix(comma + 1);
  }
  if (specs_seen == 0) return whole;
  if (ranges.empty()) return RangeRequest{RangeRequest::Kind::kUnsatisfiable, {}};
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  std::vector<ByteRange> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  if (merged.size() > max_ranges) return whole;
  return RangeRequest{RangeRequest::Kind::kPartial, std::move(merged)};
}

}  // namespace pitchreel::http
