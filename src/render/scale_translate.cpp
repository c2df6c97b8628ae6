#include "render/scale_translate.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/simd.h"

namespace pitchreel {
namespace {

// Tap weights in 1/64ths: 1/64 px steps are finer than the eye can follow at 30 fps, and
// pairs of weights fit the signed bytes that SSSE3's multiply-add takes.
constexpr int kFractionBits = 6;
constexpr int kOne = 1 << kFractionBits;

// Where output sample i reads from: the left (upper) tap and the right (lower) tap's
// weight.
struct Tap {
  int index;
  int weight;
};

std::vector<Tap> taps(int count, int source_size, double scale, double offset) {
  std::vector<Tap> out(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double s = std::clamp((i - offset) / scale, 0.0, source_size - 1.0);
    int index = static_cast<int>(s);
    int weight = static_cast<int>(std::lround((s - index) * kOne));
    if (weight == kOne) {
      ++index;
      weight = 0;
    }
    if (index >= source_size - 1) {  // the last sample has no right neighbour
      index = source_size - 2;
      weight = kOne;
    }
    out[static_cast<std::size_t>(i)] = {index, weight};
  }
  return out;
}

// Eight output samples whose taps all lie in the 16 source bytes from `base`: one
// byte shuffle gathers the (left, right) pairs and one multiply-add weighs them.
struct Block {
  int base;
  __m128i shuffle;
  __m128i weights;  // signed bytes: (kOne - w, w) per sample
};

class HorizontalFilter {
 public:
  HorizontalFilter(const std::vector<Tap>& columns, int source_width, bool simd)
      : columns_(columns) {
    if (!simd) return;
    for (std::size_t x = 0; x + 8 <= columns.size(); x += 8) {
      const int base = columns[x].index;
      if (columns[x + 7].index + 1 - base >= 16 || base + 16 > source_width) break;
      alignas(16) std::int8_t shuffle[16];
      alignas(16) std::int8_t weights[16];
      for (int j = 0; j < 8; ++j) {
        const Tap t = columns[x + static_cast<std::size_t>(j)];
        shuffle[2 * j] = static_cast<std::int8_t>(t.index - base);
        shuffle[2 * j + 1] = static_cast<std::int8_t>(t.index - base + 1);
        weights[2 * j] = static_cast<std::int8_t>(kOne - t.weight);
        weights[2 * j + 1] = static_cast<std::int8_t>(t.weight);
      }
      blocks_.push_back({base, _mm_load_si128(reinterpret_cast<const __m128i*>(shuffle)),
                         _mm_load_si128(reinterpret_cast<const __m128i*>(weights))});
    }
  }

  // out[x] = 64 * (the source row sampled at column x).
  void run(const std::uint8_t* src, std::int16_t* out) const {
    static const bool avx2 = use_avx2();
    const std::size_t done =
        blocks_.empty() ? 0 : (avx2 ? run_block_pairs(src, out) : run_blocks(src, out));
    for (std::size_t x = done; x < columns_.size(); ++x) {
      const Tap t = columns_[x];
      out[x] =
          static_cast<std::int16_t>(src[t.index] * (kOne - t.weight) + src[t.index + 1] * t.weight);
    }
  }

 private:
  __attribute__((target("ssse3"))) std::size_t run_blocks(const std::uint8_t* src,
                                                          std::int16_t* out) const {
    std::size_t x = 0;
    for (const Block& b : blocks_) {
      const __m128i pixels = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + b.base));
      const __m128i pairs = _mm_shuffle_epi8(pixels, b.shuffle);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), _mm_maddubs_epi16(pairs, b.weights));
      x += 8;
    }
    return x;
  }

  // The same, two blocks at a time in the two halves of a 256-bit register (the byte
  // shuffle works within each half): the same bytes, half the instructions.
  __attribute__((target("avx2"))) std::size_t run_block_pairs(const std::uint8_t* src,
                                                               std::int16_t* out) const {
    std::size_t x = 0, i = 0;
    for (; i + 2 <= blocks_.size(); i += 2, x += 16) {
      const Block& a = blocks_[i];
      const Block& b = blocks_[i + 1];
      const __m256i pixels =
          _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(src + b.base),
                              reinterpret_cast<const __m128i*>(src + a.base));
      const __m256i pairs = _mm256_shuffle_epi8(pixels, _mm256_set_m128i(b.shuffle, a.shuffle));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x),
                          _mm256_maddubs_epi16(pairs, _mm256_set_m128i(b.weights, a.weights)));
    }
    if (i < blocks_.size()) {  // an odd last block
      const Block& b = blocks_[i];
      const __m128i pixels = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + b.base));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x),
                       _mm_maddubs_epi16(_mm_shuffle_epi8(pixels, b.shuffle), b.weights));
      x += 8;
    }
    return x;
  }

  const std::vector<Tap>& columns_;
  std::vector<Block> blocks_;
};

// out = (a * (64 - w) + b * w) / 64 / 64, rounded: the vertical tap between two
// horizontally filtered rows.
void blend_rows(const std::int16_t* a, const std::int16_t* b, int weight, std::uint8_t* out,
                std::size_t n) {
  const int wa = kOne - weight;
  for (std::size_t x = 0; x < n; ++x) {
    const int v =
        (a[x] * wa + b[x] * weight + (1 << (2 * kFractionBits - 1))) >> (2 * kFractionBits);
    out[x] = static_cast<std::uint8_t>(v);
  }
}

__attribute__((target("ssse3"))) void blend_rows_simd(const std::int16_t* a, const std::int16_t* b,
                                                      int weight, std::uint8_t* out,
                                                      std::size_t n) {
  // mulhrs(x, w << 9) == x * w / 64, rounded, for x < 2^14. A full weight (64 << 9)
  // does not fit 16 bits; 32767 gives the same result for such x.
  const auto fixed = [](int w) { return static_cast<std::int16_t>(std::min(w << 9, 32767)); };
  const __m128i wa = _mm_set1_epi16(fixed(kOne - weight));
  const __m128i wb = _mm_set1_epi16(fixed(weight));
  const __m128i half = _mm_set1_epi16(kOne / 2);
  std::size_t x = 0;
  for (; x + 16 <= n; x += 16) {
    __m128i lo = _mm_add_epi16(
        _mm_mulhrs_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + x)), wa),
        _mm_mulhrs_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + x)), wb));
    __m128i hi = _mm_add_epi16(
        _mm_mulhrs_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + x + 8)), wa),
        _mm_mulhrs_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + x + 8)), wb));
    lo = _mm_srli_epi16(_mm_add_epi16(lo, half), kFractionBits);
    hi = _mm_srli_epi16(_mm_add_epi16(hi, half), kFractionBits);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), _mm_packus_epi16(lo, hi));
  }
  blend_rows(a + x, b + x, weight, out + x, n - x);
}

// The same as blend_rows_simd, 32 samples at a time.
__attribute__((target("avx2"))) void blend_rows_avx2(const std::int16_t* a, const std::int16_t* b,
                                                     int weight, std::uint8_t* out,
                                                     std::size_t n) {
  const auto fixed = [](int w) { return static_cast<std::int16_t>(std::min(w << 9, 32767)); };
  const __m256i wa = _mm256_set1_epi16(fixed(kOne - weight));
  const __m256i wb = _mm256_set1_epi16(fixed(weight));
  const __m256i half = _mm256_set1_epi16(kOne / 2);
  std::size_t x = 0;
  for (; x + 32 <= n; x += 32) {
    __m256i lo = _mm256_add_epi16(
        _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + x)), wa),
        _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + x)), wb));
    __m256i hi = _mm256_add_epi16(
        _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + x + 16)), wa),
        _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + x + 16)), wb));
    lo = _mm256_srli_epi16(_mm256_add_epi16(lo, half), kFractionBits);
    hi = _mm256_srli_epi16(_mm256_add_epi16(hi, half), kFractionBits);
    // packus works per 128-bit half: put the halves back in order.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x),
                        _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xD8));
  }
  blend_rows_simd(a + x, b + x, weight, out + x, n - x);
}

}  // namespace

void resample_scale_translate(const cv::Mat& src, cv::Mat& dst, double scale, double tx,
                              double ty) {
  CV_Assert(src.type() == CV_8UC1 && dst.type() == CV_8UC1 && src.cols > 1 && src.rows > 1);
  static const bool simd = use_ssse3();
  static const bool avx2 = use_avx2();
  const auto columns = taps(dst.cols, src.cols, scale, tx);
  const auto rows = taps(dst.rows, src.rows, scale, ty);
  const HorizontalFilter filter(columns, src.cols, simd);
  const std::size_t width = static_cast<std::size_t>(dst.cols);
  // Two horizontally filtered source rows; consecutive output rows mostly share one.
  std::vector<std::int16_t> upper(width), lower(width);
  int upper_row = -1, lower_row = -1;
  for (int y = 0; y < dst.rows; ++y) {
    const Tap r = rows[static_cast<std::size_t>(y)];
    if (upper_row != r.index) {
      if (lower_row == r.index) {
        std::swap(upper, lower);
        std::swap(upper_row, lower_row);
      } else {
        filter.run(src.ptr<std::uint8_t>(r.index), upper.data());
        upper_row = r.index;
      }
    }
    if (lower_row != r.index + 1) {
      filter.run(src.ptr<std::uint8_t>(r.index + 1), lower.data());
      lower_row = r.index + 1;
    }
    auto* out = dst.ptr<std::uint8_t>(y);
    if (avx2) {
      blend_rows_avx2(upper.data(), lower.data(), r.weight, out, width);
    } else if (simd) {
      blend_rows_simd(upper.data(), lower.data(), r.weight, out, width);
    } else {
      blend_rows(upper.data(), lower.data(), r.weight, out, width);
    }
  }
}

}  // namespace pitchreel
