#include "render/scale_translate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pitchreel {
namespace {

constexpr int kFractionBits = 8;
constexpr int kOne = 1 << kFractionBits;

// Where output sample i reads from: index of the left (upper) tap and the weight of the
// right (lower) one, in 1/256ths.
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
    if (index >= source_size - 1) {  // the last sample: no right neighbour needed
      index = std::max(0, source_size - 2);
      weight = source_size > 1 ? kOne : 0;
    }
    out[static_cast<std::size_t>(i)] = {index, weight};
  }
  return out;
}

void filter_row(const std::uint8_t* src, const std::vector<Tap>& columns, std::uint16_t* out) {
  const std::size_t n = columns.size();
  for (std::size_t x = 0; x < n; ++x) {
    const Tap t = columns[x];
    out[x] = static_cast<std::uint16_t>(src[t.index] * (kOne - t.weight) + src[t.index + 1] * t.weight);
  }
}

}  // namespace

void resample_scale_translate(const cv::Mat& src, cv::Mat& dst, double scale, double tx, double ty) {
  CV_Assert(src.type() == CV_8UC1 && dst.type() == CV_8UC1 && src.cols > 1 && src.rows > 1);
  const auto columns = taps(dst.cols, src.cols, scale, tx);
  const auto rows = taps(dst.rows, src.rows, scale, ty);
  const std::size_t width = static_cast<std::size_t>(dst.cols);
  // Two horizontally filtered source rows; consecutive output rows mostly share them.
  std::vector<std::uint16_t> upper(width), lower(width);
  int upper_row = -1, lower_row = -1;
  for (int y = 0; y < dst.rows; ++y) {
    const Tap r = rows[static_cast<std::size_t>(y)];
    if (upper_row != r.index) {
      if (lower_row == r.index) {
        std::swap(upper, lower);
        std::swap(upper_row, lower_row);
      } else {
        filter_row(src.ptr<std::uint8_t>(r.index), columns, upper.data());
        upper_row = r.index;
      }
    }
    if (lower_row != r.index + 1) {
      filter_row(src.ptr<std::uint8_t>(r.index + 1), columns, lower.data());
      lower_row = r.index + 1;
    }
    const std::uint32_t wb = static_cast<std::uint32_t>(r.weight);
    const std::uint32_t wa = kOne - wb;
    std::uint8_t* out = dst.ptr<std::uint8_t>(y);
    const std::uint16_t* a = upper.data();
    const std::uint16_t* b = lower.data();
    for (std::size_t x = 0; x < width; ++x) {
      out[x] = static_cast<std::uint8_t>((a[x] * wa + b[x] * wb + (1u << (2 * kFractionBits - 1))) >>
                                         (2 * kFractionBits));
    }
  }
}

}  // namespace pitchreel
