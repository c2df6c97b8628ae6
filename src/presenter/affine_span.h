// Bilinear samples of an 8-bit plane at positions given per pixel, for the presenter's mesh
// warp: a row of the warped region is first described as source positions (each triangle's
// span of the row is affine: one add per pixel), then sampled in one pass.
//
// Why not cv::remap: it needs whole-region maps written first (8 bytes a pixel) and reads
// them back; here the positions of one row stay in the cache, and with AVX2 eight pixels
// take two gathers. On the 1080p presenter's head region (736x872 and its chroma) a warp
// took about 1.45x less CPU than whole-region float maps + cv::remap on one thread, and it
// starts no OpenCV worker threads beside x264. Without AVX2 the same arithmetic runs one
// pixel at a time (slower than cv::remap, same result).
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace pitchreel {

// The steps along lines that share one direction (a mesh triangle's spans: one affine map),
// set up once for all of them. `reach` bounds |x| and |y| of every position those lines
// will hold (pixels).
struct LineSteps {
  LineSteps(double dx, double dy, double reach);

  double dx, dy;        // per column, pixels
  bool fixed;           // the lines fit 16.16 fixed point (else they are clamped pixel by pixel)
  bool avx2;            // the vectorised fill may run
  std::int32_t sx, sy;  // dx, dy in 16.16
  std::int32_t lanes_x[8], lanes_y[8];  // k sx, k sy for k in 0..7 (wrapping, as the adds)
};

// Source positions of one destination row, in 1/32 pixel (as cv::remap's INTER_LINEAR).
struct RowPositions {
  std::vector<std::int32_t> x, y;
  explicit RowPositions(int width) : x(static_cast<std::size_t>(width) + 8), y(x.size()) {}

  // Positions (x + k dx, y + k dy) for columns c .. c + n - 1, in pixels.
  void fill_line(int c, int n, double x0, double y0, double dx, double dy);
  // The same along `steps`' direction, the positions identical; for many lines of one
  // direction, without the per-line set-up of the steps.
  void fill_line(int c, int n, double x0, double y0, const LineSteps& steps);
};

// dst[c] = `plane` at the positions of columns [0, n), bilinear; positions outside the plane
// are clamped to its edge (as BORDER_REPLICATE). `plane` is CV_8UC1, at least 2x2, with at
// least 2 readable bytes past each row's last pixel (see padded_plane). Rounding is exact
// integer arithmetic, so the result does not depend on the CPU.
void sample_row(const cv::Mat& plane, const RowPositions& at, int n, std::uint8_t* dst);

// A copy of `plane` (CV_8UC1) with the readable bytes sample_row needs.
cv::Mat padded_plane(const cv::Mat& plane);

}  // namespace pitchreel
