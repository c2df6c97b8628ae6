#include "render/blend_row.h"

#include <emmintrin.h>  // SSE2, part of every x86-64 CPU

namespace pitchreel {
namespace {

// x / 255 rounded, exact for x in [0, 255 * 255].
inline std::uint32_t div255(std::uint32_t x) {
  x += 128;
  return (x + (x >> 8)) >> 8;
}

}  // namespace

void blend_premultiplied_row(const std::uint8_t* pairs, std::uint8_t* dst, int n) {
  int x = 0;
  const __m128i low = _mm_set1_epi16(0xFF), opaque = _mm_set1_epi16(255);
  const __m128i half = _mm_set1_epi16(128), zero = _mm_setzero_si128();
  for (; x + 8 <= n; x += 8) {
    // One 16-bit lane per sample: value in the low byte, alpha in the high one.
    const __m128i p = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pairs + 2 * x));
    const __m128i value = _mm_and_si128(p, low);
    const __m128i keep = _mm_sub_epi16(opaque, _mm_srli_epi16(p, 8));
    const __m128i d =
        _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(dst + x)), zero);
    // div255 in unsigned 16 bits: t = d * keep + 128 <= 65153, then (t + (t >> 8)) >> 8.
    const __m128i t = _mm_add_epi16(_mm_mullo_epi16(d, keep), half);
    const __m128i scaled = _mm_srli_epi16(_mm_add_epi16(t, _mm_srli_epi16(t, 8)), 8);
    const __m128i out = _mm_add_epi16(value, scaled);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + x), _mm_packus_epi16(out, out));
  }
  for (; x < n; ++x) {
    dst[x] = static_cast<std::uint8_t>(pairs[2 * x] + div255(dst[x] * (255u - pairs[2 * x + 1])));
  }
}

}  // namespace pitchreel
