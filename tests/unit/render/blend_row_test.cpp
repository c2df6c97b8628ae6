// The caption blend's row kernel against the scalar formula it replaced (the per-sample
// loop with div255 rounding and a skip where alpha is 0), for every alpha and backdrop
// value, on rows of every length modulo the 8-sample step.
#include "render/blend_row.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace pitchreel {
namespace {

std::uint8_t reference(std::uint8_t value, std::uint8_t alpha, std::uint8_t dst) {
  if (alpha == 0) return dst;
  std::uint32_t x = dst * (255u - alpha) + 128;
  return static_cast<std::uint8_t>(value + ((x + (x >> 8)) >> 8));
}

TEST(BlendRow, EqualsTheScalarFormulaForEveryAlphaAndBackdrop) {
  std::mt19937 rng(11);
  int mismatches = 0;
  for (int alpha = 0; alpha < 256; ++alpha) {
    // Premultiplied values up to alpha's share of 255 (what the overlay builds).
    std::uniform_int_distribution<int> value_of(0, alpha);
    for (const int length : {256, 251}) {
      std::vector<std::uint8_t> pairs(2 * static_cast<std::size_t>(length)), dst(length), expected(length);
      for (int x = 0; x < length; ++x) {
        pairs[2 * x] = static_cast<std::uint8_t>(value_of(rng));
        pairs[2 * x + 1] = static_cast<std::uint8_t>(alpha);
        dst[x] = static_cast<std::uint8_t>(x % 256);  // every backdrop value
        expected[x] = reference(pairs[2 * x], pairs[2 * x + 1], dst[x]);
      }
      blend_premultiplied_row(pairs.data(), dst.data(), length);
      for (int x = 0; x < length; ++x) mismatches += dst[x] != expected[x];
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(BlendRow, TouchesOnlyTheRow) {
  std::vector<std::uint8_t> pairs(2 * 13, 200), dst(16, 7);
  blend_premultiplied_row(pairs.data(), dst.data() + 1, 13);
  EXPECT_EQ(dst[0], 7);
  EXPECT_EQ(dst[14], 7);
  EXPECT_EQ(dst[15], 7);
  EXPECT_NE(dst[1], 7);
}

}  // namespace
}  // namespace pitchreel
