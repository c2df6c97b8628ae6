// PITCHREEL_SIMD=off turns the vectorised paths off (ctest's *_plain_paths entries run the
// exactness tests of the warp and the camera that way); anything else leaves them on.
#include "core/simd.h"

#include <gtest/gtest.h>

namespace pitchreel {
namespace {

TEST(Simd, OnlyOffZeroOrFalseTurnTheVectorPathsOff) {
  EXPECT_TRUE(simd_allowed_by(nullptr));
  EXPECT_TRUE(simd_allowed_by(""));
  EXPECT_TRUE(simd_allowed_by("on"));
  EXPECT_TRUE(simd_allowed_by("avx2"));
  EXPECT_FALSE(simd_allowed_by("off"));
  EXPECT_FALSE(simd_allowed_by("0"));
  EXPECT_FALSE(simd_allowed_by("false"));
}

}  // namespace
}  // namespace pitchreel
