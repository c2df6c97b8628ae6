#include "presenter/affine_span.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/simd.h"

namespace pitchreel {
namespace {

constexpr int kFractionBits = 5;  // 1/32 pixel, as cv::remap
constexpr int kOne = 1 << kFractionBits;
constexpr int kStepBits = 16;  // positions step in 16.16 fixed point along a span
constexpr int kPadding = 16;
// Fixed point holds positions within this many pixels (a span further out, from a nearly
// degenerate triangle, is clamped pixel by pixel).
constexpr double kFixedRange = 8192;

std::int32_t to_fixed(double v, int bits) {
  const double scaled = v * (1 << bits);
  return static_cast<std::int32_t>(scaled + (scaled < 0 ? -0.5 : 0.5));  // no library call
}

struct Plane {
  const std::uint8_t* data;
  std::int32_t step;
  int width, height;
};

inline std::uint8_t sample(const Plane& p, std::int32_t px, std::int32_t py) {
  const int x = std::clamp(px, 0, (p.width - 1) * kOne);
  const int y = std::clamp(py, 0, (p.height - 1) * kOne);
  const int x0 = std::min(x >> kFractionBits, p.width - 2);
  const int y0 = std::min(y >> kFractionBits, p.height - 2);
  const int wx = x - x0 * kOne, wy = y - y0 * kOne;  // 0..kOne
  const std::uint8_t* q = p.data + static_cast<std::ptrdiff_t>(y0) * p.step + x0;
  const int top = q[0] * kOne + (q[1] - q[0]) * wx;
  const int bottom = q[p.step] * kOne + (q[p.step + 1] - q[p.step]) * wx;
  return static_cast<std::uint8_t>((top * kOne + (bottom - top) * wy + (1 << 9)) >> 10);
}

void row_scalar(const Plane& p, const std::int32_t* xs, const std::int32_t* ys, int n,
                std::uint8_t* dst) {
  for (int k = 0; k < n; ++k) dst[k] = sample(p, xs[k], ys[k]);
}

// 16 bytes from `at`, in both halves of a 256-bit register.
__attribute__((target("avx2"))) inline __m256i both_halves(const std::uint8_t* at) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)));
}

// The same as row_scalar, eight samples at a time: the (left, right) byte pairs of the
// upper and the lower row come from byte shuffles of the rows where the eight read close
// together, else from two 32-bit gathers. Reads up to 7 positions past n (RowPositions has
// room for them).
__attribute__((target("avx2"))) void row_avx2(const Plane& p, const std::int32_t* xs,
                                              const std::int32_t* ys, int n, std::uint8_t* dst) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i max_x = _mm256_set1_epi32((p.width - 1) * kOne);
  const __m256i max_y = _mm256_set1_epi32((p.height - 1) * kOne);
  const __m256i last_x = _mm256_set1_epi32(p.width - 2), last_y = _mm256_set1_epi32(p.height - 2);
  const __m256i stride = _mm256_set1_epi32(p.step), low_byte = _mm256_set1_epi32(0xFF);
  const __m256i half = _mm256_set1_epi32(1 << 9);
  // Byte shuffles: a lane's left byte 0..14 from the first's, its right one after it, the
  // upper two bytes' indices with the high bit set (zeros).
  const __m256i window = _mm256_set1_epi32(14), one = _mm256_set1_epi32(1);
  const __m256i pair_offset = _mm256_set1_epi32(static_cast<int>(0x80800100u));
  const __m256i thirty_two = _mm256_set1_epi32(kOne);
  const auto* upper = reinterpret_cast<const int*>(p.data);
  const auto* lower = reinterpret_cast<const int*>(p.data + p.step);
  int k = 0;
  for (; k < n; k += 8) {
    const __m256i x = _mm256_min_epi32(
        _mm256_max_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xs + k)), zero),
        max_x);
    const __m256i y = _mm256_min_epi32(
        _mm256_max_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(ys + k)), zero),
        max_y);
    const __m256i x0 = _mm256_min_epi32(_mm256_srai_epi32(x, kFractionBits), last_x);
    const __m256i y0 = _mm256_min_epi32(_mm256_srai_epi32(y, kFractionBits), last_y);
    const __m256i wx = _mm256_sub_epi32(x, _mm256_slli_epi32(x0, kFractionBits));
    const __m256i wy = _mm256_sub_epi32(y, _mm256_slli_epi32(y0, kFractionBits));
    // The warp is close to the identity: the eight pixels mostly read one row pair (or the
    // next, from some pixel on), within 16 bytes of the first one's. Then the bytes come
    // from row loads and byte shuffles (each 32-bit lane's index in its low byte, the other
    // bytes' high bit set: zeros) instead of two gathers, which cost several times more;
    // anywhere else, the gathers.
    const __m256i first_x = _mm256_broadcastd_epi32(_mm256_castsi256_si128(x0));
    const __m256i first_y = _mm256_broadcastd_epi32(_mm256_castsi256_si128(y0));
    const __m256i dx = _mm256_sub_epi32(x0, first_x), dy = _mm256_sub_epi32(y0, first_y);
    const __m256i next_row = _mm256_cmpeq_epi32(dy, one);
    const int near_x = _mm256_movemask_epi8(_mm256_cmpeq_epi32(_mm256_min_epu32(dx, window), dx));
    const int same_rows = _mm256_movemask_epi8(_mm256_cmpeq_epi32(dy, zero));
    __m256i v;  // 1024 times the sample
    if (near_x == -1 && (same_rows | _mm256_movemask_epi8(next_row)) == -1) {
      const std::uint8_t* q =
          p.data + static_cast<std::ptrdiff_t>(_mm256_cvtsi256_si32(y0)) * p.step +
          _mm256_cvtsi256_si32(x0);
      // Each 32-bit lane's (left, right) bytes side by side in its low half, zeros above;
      // weighed by (32 - wx, wx) in one multiply-add: u0 (32 - wx) + u1 wx, the top tap
      // exactly as below, and the same for the bottom one.
      const __m256i pair = _mm256_add_epi32(_mm256_or_si256(dx, _mm256_slli_epi32(dx, 8)),
                                            pair_offset);
      const __m256i up = both_halves(q), down = both_halves(q + p.step);
      __m256i upper_pairs = _mm256_shuffle_epi8(up, pair);
      __m256i lower_pairs = _mm256_shuffle_epi8(down, pair);
      if (same_rows != -1) {  // some read the next pair (which is inside the plane then)
        const __m256i below = both_halves(q + 2 * p.step);
        upper_pairs = _mm256_blendv_epi8(upper_pairs, lower_pairs, next_row);
        lower_pairs = _mm256_blendv_epi8(lower_pairs, _mm256_shuffle_epi8(below, pair), next_row);
      }
      const __m256i across =
          _mm256_or_si256(_mm256_sub_epi32(thirty_two, wx), _mm256_slli_epi32(wx, 8));
      const __m256i top = _mm256_maddubs_epi16(upper_pairs, across);
      const __m256i bottom = _mm256_maddubs_epi16(lower_pairs, across);
      // top (32 - wy) + bottom wy in one multiply-add of (top, bottom) by (32 - wy, wy).
      const __m256i down_weights =
          _mm256_or_si256(_mm256_sub_epi32(thirty_two, wy), _mm256_slli_epi32(wy, 16));
      v = _mm256_madd_epi16(_mm256_or_si256(top, _mm256_slli_epi32(bottom, 16)), down_weights);
    } else {
      const __m256i offset = _mm256_add_epi32(_mm256_mullo_epi32(y0, stride), x0);
      const __m256i up = _mm256_i32gather_epi32(upper, offset, 1);
      const __m256i down = _mm256_i32gather_epi32(lower, offset, 1);
      const __m256i u0 = _mm256_and_si256(up, low_byte);
      const __m256i u1 = _mm256_and_si256(_mm256_srli_epi32(up, 8), low_byte);
      const __m256i d0 = _mm256_and_si256(down, low_byte);
      const __m256i d1 = _mm256_and_si256(_mm256_srli_epi32(down, 8), low_byte);
      const __m256i top = _mm256_add_epi32(_mm256_slli_epi32(u0, kFractionBits),
                                           _mm256_mullo_epi32(_mm256_sub_epi32(u1, u0), wx));
      const __m256i bottom = _mm256_add_epi32(_mm256_slli_epi32(d0, kFractionBits),
                                              _mm256_mullo_epi32(_mm256_sub_epi32(d1, d0), wx));
      v = _mm256_add_epi32(_mm256_slli_epi32(top, kFractionBits),
                           _mm256_mullo_epi32(_mm256_sub_epi32(bottom, top), wy));
    }
    v = _mm256_srli_epi32(_mm256_add_epi32(v, half), 10);
    v = _mm256_packus_epi16(_mm256_packus_epi32(v, v), v);  // bytes 0-3 and 16-19
    const __m128i eight =
        _mm_unpacklo_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    if (n - k >= 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + k), eight);
    } else {
      alignas(16) std::uint8_t last[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(last), eight);
      std::memcpy(dst + k, last, static_cast<std::size_t>(n - k));
    }
  }
}

constexpr int kShift = kStepBits - kFractionBits;

// xs[k] = (fx + k sx) >> kShift and ys[k] = (fy + k sy) >> kShift for k in [0, n): a span's
// positions from 16.16 fixed point (no overflow: the caller keeps every position within
// kFixedRange pixels).
void steps_scalar(std::int32_t fx, std::int32_t sx, std::int32_t fy, std::int32_t sy, int n,
                  std::int32_t* xs, std::int32_t* ys) {
  for (int k = 0; k < n; ++k, fx += sx, fy += sy) {
    xs[k] = fx >> kShift;
    ys[k] = fy >> kShift;
  }
}

// Eight positions at a time from the first position and the lanes' offsets from it (k s for
// k in 0..7); writes nothing past n (the next span may already be there).
__attribute__((target("avx2"))) void steps_from_lanes_avx2(std::int32_t fx, std::int32_t fy,
                                                           const std::int32_t* lanes_x,
                                                           const std::int32_t* lanes_y, int n,
                                                           std::int32_t* xs, std::int32_t* ys) {
  const __m256i lane_x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes_x));
  const __m256i lane_y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes_y));
  __m256i x = _mm256_add_epi32(_mm256_set1_epi32(fx), lane_x);
  __m256i y = _mm256_add_epi32(_mm256_set1_epi32(fy), lane_y);
  // Eight steps, wrapping as the vector adds do: only a span of at most eight positions can
  // have steps that large (longer ones leave kFixedRange and take the clamped path), and
  // it never uses them.
  const auto eight = [](std::int32_t lane7, std::int32_t lane1) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(lane7) +
                                     static_cast<std::uint32_t>(lane1));
  };
  const __m256i eight_x = _mm256_set1_epi32(eight(lanes_x[7], lanes_x[1]));
  const __m256i eight_y = _mm256_set1_epi32(eight(lanes_y[7], lanes_y[1]));
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(xs + k), _mm256_srai_epi32(x, kShift));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ys + k), _mm256_srai_epi32(y, kShift));
    x = _mm256_add_epi32(x, eight_x);
    y = _mm256_add_epi32(y, eight_y);
  }
  if (k < n) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - k), lane);
    _mm256_maskstore_epi32(xs + k, keep, _mm256_srai_epi32(x, kShift));
    _mm256_maskstore_epi32(ys + k, keep, _mm256_srai_epi32(y, kShift));
  }
}

// k s for k in 0..7, wrapping.
void lanes(std::int32_t s, std::int32_t* out) {
  for (int k = 0; k < 8; ++k) {
    out[k] =
        static_cast<std::int32_t>(static_cast<std::uint32_t>(s) * static_cast<std::uint32_t>(k));
  }
}

}  // namespace

LineSteps::LineSteps(double dx_, double dy_, double reach)
    : dx(dx_),
      dy(dy_),
      fixed(std::max({std::abs(dx), std::abs(dy), reach}) < kFixedRange),
      avx2(use_avx2()),
      sx(fixed ? to_fixed(dx, kStepBits) : 0),
      sy(fixed ? to_fixed(dy, kStepBits) : 0) {
  lanes(sx, lanes_x);
  lanes(sy, lanes_y);
}

void RowPositions::fill_line(int c, int n, double x0, double y0, double dx, double dy) {
  const double last_x = x0 + dx * (n - 1), last_y = y0 + dy * (n - 1);
  const double reach = std::max({std::abs(x0), std::abs(y0), std::abs(last_x), std::abs(last_y)});
  fill_line(c, n, x0, y0, LineSteps(dx, dy, reach));
}

void RowPositions::fill_line(int c, int n, double x0, double y0, const LineSteps& steps) {
  std::int32_t* px = x.data() + c;
  std::int32_t* py = y.data() + c;
  if (!steps.fixed) {
    for (int k = 0; k < n; ++k) {
      px[k] = to_fixed(std::clamp(x0 + steps.dx * k, -kFixedRange, kFixedRange), kFractionBits);
      py[k] = to_fixed(std::clamp(y0 + steps.dy * k, -kFixedRange, kFixedRange), kFractionBits);
    }
    return;
  }
  // 16.16 steps, rounded to 1/32 pixel per pixel: exact to ~1e-4 px over a row.
  const std::int32_t fx = to_fixed(x0, kStepBits) + (1 << (kShift - 1));
  const std::int32_t fy = to_fixed(y0, kStepBits) + (1 << (kShift - 1));
  if (steps.avx2) {
    steps_from_lanes_avx2(fx, fy, steps.lanes_x, steps.lanes_y, n, px, py);
  } else {
    steps_scalar(fx, steps.sx, fy, steps.sy, n, px, py);
  }
}

void sample_row(const cv::Mat& plane, const RowPositions& at, int n, std::uint8_t* dst) {
  static const bool avx2 = use_avx2();
  const Plane p{plane.data, static_cast<std::int32_t>(plane.step), plane.cols, plane.rows};
  if (avx2) {
    row_avx2(p, at.x.data(), at.y.data(), n, dst);
  } else {
    row_scalar(p, at.x.data(), at.y.data(), n, dst);
  }
}

cv::Mat padded_plane(const cv::Mat& plane) {
  cv::Mat wide(plane.rows, plane.cols + kPadding, CV_8UC1, cv::Scalar(0));
  plane.copyTo(wide(cv::Rect(0, 0, plane.cols, plane.rows)));
  return wide(cv::Rect(0, 0, plane.cols, plane.rows));
}

}  // namespace pitchreel
