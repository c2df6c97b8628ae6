#include "core/simd.h"

#include <cstdlib>
#include <string_view>

namespace pitchreel {
namespace {

bool simd_allowed() {
  static const bool allowed = simd_allowed_by(std::getenv("PITCHREEL_SIMD"));
  return allowed;
}

}  // namespace

bool simd_allowed_by(const char* value) {
  if (value == nullptr) return true;
  const std::string_view v(value);
  return !(v == "off" || v == "0" || v == "false");
}

bool use_avx2() {
  static const bool use = simd_allowed() && __builtin_cpu_supports("avx2");
  return use;
}

bool use_ssse3() {
  static const bool use = simd_allowed() && __builtin_cpu_supports("ssse3");
  return use;
}

}  // namespace pitchreel
