#include "core/simd.h"

#include <cstdlib>
#include <string_view>

namespace pitchreel {

bool simd_allowed_by(const char* value) {
  if (value == nullptr) return true;
  const std::string_view v(value);
  return !(v == "off" || v == "0" || v == "false");
}

bool simd_allowed() {
  static const bool allowed = simd_allowed_by(std::getenv("PITCHREEL_SIMD"));
  return allowed;
}

}  // namespace pitchreel
