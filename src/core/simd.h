// Whether the hand-vectorised paths (SSSE3, AVX2; the camera's resampler, the presenter's
// warp) may run. Each such path is chosen at run time as `simd_allowed() &&
// __builtin_cpu_supports("avx2")` and has a plain C++ twin with the same results.
//
// PITCHREEL_SIMD=off makes every choice fall to the plain paths: so that the tests can run
// them on a machine that has AVX2 (ctest's *_plain_paths entries), and to rule the
// vectorised code out when hunting a problem. Read once per process; thread-safe.
#pragma once

namespace pitchreel {

bool simd_allowed();

// What simd_allowed() answers for a value of PITCHREEL_SIMD (null: unset): false only for
// "off", "0" or "false".
bool simd_allowed_by(const char* value);

}  // namespace pitchreel
