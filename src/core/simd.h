// Which hand-vectorised paths (the camera's resampler, the presenter's warp) may run: the
// CPU has the instruction set and PITCHREEL_SIMD does not say "off". Every such path has a
// plain C++ twin with the same results, taken when these answer false.
//
// PITCHREEL_SIMD=off makes every choice fall to the plain paths: so that the tests can run
// them on a machine that has AVX2 (ctest's *_plain_paths entries), and to rule the
// vectorised code out when hunting a problem. Read once per process; thread-safe.
#pragma once

namespace pitchreel {

bool use_avx2();
bool use_ssse3();

// Whether a value of PITCHREEL_SIMD (null: unset) allows the vectorised paths: all but
// "off", "0" and "false".
bool simd_allowed_by(const char* value);

}  // namespace pitchreel
