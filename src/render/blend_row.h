// Blending a premultiplied overlay row onto one 8-bit plane: the inner loop of every
// caption and title on every frame.
#pragma once

#include <cstdint>

namespace pitchreel {

// dst[x] = value[x] + round(dst[x] * (255 - alpha[x]) / 255) for x < n, where `pairs`
// holds (value, alpha) byte pairs and value is premultiplied (at most alpha's share of
// 255, so the sum never passes 255). Exact: the same result as the scalar formula with
// div255 rounding, 8 samples per SSE2 step. Thread-safe; the ranges must not overlap.
void blend_premultiplied_row(const std::uint8_t* pairs, std::uint8_t* dst, int n);

}  // namespace pitchreel
