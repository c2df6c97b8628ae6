// Headers: an HTTP header block, names compared without regard to case (RFC 9110 5.1),
// values kept as received. A plain value type; not thread-safe to mutate concurrently.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace pitchreel::http {

struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// The first value of `name`, or "" when absent.
std::string header_value(const Headers& headers, std::string_view name);

}  // namespace pitchreel::http
