#include "presenter/mesh_warp.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "core/simd.h"
#include "presenter/affine_span.h"

namespace pitchreel {
namespace {

// One edge of a posed triangle, its end points ordered by y, so that the two triangles
// sharing it compute the same x on every row and leave no gap between them. Kept as what
// span_of needs without a branch: a horizontal edge has slope 0 and its two ends' x.
struct Edge {
  double top_y = 0, bottom_y = 0;  // the rows it spans, top_y <= bottom_y
  double lo_x = 0, hi_x = 0;       // at top_y: the top's x twice, or a horizontal edge's ends
  double slope = 0;                // dx per row; 0 when horizontal

  Edge() = default;
  Edge(cv::Point2d a, cv::Point2d b) {
    if (a.y > b.y) std::swap(a, b);
    top_y = a.y;
    bottom_y = b.y;
    lo_x = hi_x = a.x;
    if (b.y != a.y) {
      slope = (b.x - a.x) / (b.y - a.y);
    } else {
      lo_x = std::min(a.x, b.x);
      hi_x = std::max(a.x, b.x);
    }
  }
};

// One posed triangle: its edges in destination pixels and where its pixels come from,
// rest = (ax c + bx r + cx, ay c + by r + cy) at destination column c, row r.
struct Piece {
  Edge edges[3];
  double ax, bx, cx, ay, by, cy;
  int first_row, last_row;  // the rows whose centres it may cover
  LineSteps steps{0, 0, 0};  // along a row: (ax, ay) per column
};

// The columns of row `r` whose centres `p` covers, as [c0, c1] (empty when c1 < c0). Runs
// for every triangle on every row, so without branches or library calls (a triangle's rows
// in one loop, which the compiler vectorises).
inline std::pair<int, int> span_of(const Piece& p, int r, int width) {
  double lo = 1e30, hi = -1e30;
  const double row = r;
  for (const Edge& e : p.edges) {
    const bool crosses = row >= e.top_y && row <= e.bottom_y;
    const double d = (row - e.top_y) * e.slope;
    lo = crosses ? std::min(lo, e.lo_x + d) : lo;
    hi = crosses ? std::max(hi, e.hi_x + d) : hi;
  }
  // ceil and floor by conversion, clamped first to just outside the row (the same columns).
  const double from = std::max(lo - 1e-7, -1.0);
  const double to = std::min(hi + 1e-7, static_cast<double>(width));
  int c0 = static_cast<int>(from), c1 = static_cast<int>(to);  // towards zero
  c0 += c0 < from;
  c1 -= c1 > to;
  return {std::max(0, c0), std::min(width - 1, c1)};
}

// The spans of all of p's rows, [first_row, last_row], into c0 and c1.
void row_spans_plain(const Piece& p, int width, int* c0, int* c1) {
  for (int r = p.first_row; r <= p.last_row; ++r) {
    std::tie(c0[r - p.first_row], c1[r - p.first_row]) = span_of(p, r, width);
  }
}

// The same loop, vectorised with AVX2 (chosen at run time).
__attribute__((target("avx2"))) void row_spans_avx2(const Piece& p, int width, int* c0,
                                                    int* c1) {
  for (int r = p.first_row; r <= p.last_row; ++r) {
    std::tie(c0[r - p.first_row], c1[r - p.first_row]) = span_of(p, r, width);
  }
}

// The triangles of the posed mesh at `scale` (1: luma, 0.5: chroma), in the mesh's order
// (where triangles overlap, a fold, the later wins), into `out`.
void pieces(const std::vector<cv::Vec3i>& triangles, const std::vector<cv::Point2f>& rest,
            const std::vector<cv::Point2f>& posed, double scale, int height,
            std::vector<Piece>& out) {
  out.clear();
  for (std::size_t n = 0; n < triangles.size(); ++n) {
    const cv::Vec3i& t = triangles[n];
    Piece p;
    cv::Point2d d[3], s[3];
    for (int k = 0; k < 3; ++k) {
      const auto i = static_cast<std::size_t>(t[k]);
      d[k] = cv::Point2d(posed[i]) * scale;
      s[k] = cv::Point2d(rest[i]) * scale;
    }
    const cv::Point2d e1 = d[1] - d[0], e2 = d[2] - d[0];
    const double det = e1.x * e2.y - e1.y * e2.x;
    if (std::abs(det) < 1e-9) continue;  // a degenerate (closed) triangle covers no pixel
    // The affine map posed -> rest: rest = s0 + u f1 + v f2 with (u, v) barycentric.
    const cv::Point2d f1 = s[1] - s[0], f2 = s[2] - s[0];
    const double ux = e2.y / det, uy = -e2.x / det, vx = -e1.y / det, vy = e1.x / det;
    p.ax = f1.x * ux + f2.x * vx;
    p.bx = f1.x * uy + f2.x * vy;
    p.ay = f1.y * ux + f2.y * vx;
    p.by = f1.y * uy + f2.y * vy;
    p.cx = s[0].x - p.ax * d[0].x - p.bx * d[0].y;
    p.cy = s[0].y - p.ay * d[0].x - p.by * d[0].y;
    for (int k = 0; k < 3; ++k) p.edges[k] = Edge(d[k], d[(k + 1) % 3]);
    // A pixel centre inside the posed triangle takes its pixel from inside the rest one, so
    // the rest triangle bounds every position of its spans (2 pixels to spare for the
    // spans' rounding at the edges).
    double reach = 0;
    for (const cv::Point2d& q : s) reach = std::max({reach, std::abs(q.x), std::abs(q.y)});
    p.steps = LineSteps(p.ax, p.ay, reach + 2);
    p.first_row = std::max(0, static_cast<int>(std::ceil(std::min({d[0].y, d[1].y, d[2].y}))));
    p.last_row =
        std::min(height - 1, static_cast<int>(std::floor(std::max({d[0].y, d[1].y, d[2].y}))));
    if (p.last_row >= p.first_row) out.push_back(p);
  }
}

// One triangle's span of one row.
struct RowSpan {
  int c0, c1;
  const Piece* piece;
};

}  // namespace

struct MeshWarp::Scratch {
  std::vector<Piece> pieces;
  std::vector<std::size_t> first_span, row_start, next;
  std::vector<int> c0s, c1s;
  std::vector<RowSpan> by_row;
  RowPositions at{0};
};

namespace {

// Row by row: the source positions of every triangle's span of the row, then one pass that
// samples the row from each of `src` into each of `dst` (the planes share positions).
template <std::size_t N>
void draw(MeshWarp::Scratch& scratch, const std::array<const cv::Mat*, N>& src,
          const std::array<cv::Mat*, N>& dst) {
  const std::vector<Piece>& all = scratch.pieces;
  const cv::Size size = dst[0]->size();
  // Every triangle's spans first, triangle by triangle (its edges stay in registers), then
  // sorted into rows, each row's in the mesh's order, and row by row their positions.
  std::size_t total = 0;
  std::vector<std::size_t>& first_span = scratch.first_span;  // piece k's: from first_span[k]
  std::vector<std::size_t>& row_start = scratch.row_start;
  first_span.resize(all.size());
  row_start.assign(static_cast<std::size_t>(size.height) + 1, 0);
  for (std::size_t k = 0; k < all.size(); ++k) {
    first_span[k] = total;
    total += static_cast<std::size_t>(all[k].last_row - all[k].first_row + 1);
    for (int r = all[k].first_row; r <= all[k].last_row; ++r) {
      ++row_start[static_cast<std::size_t>(r) + 1];
    }
  }
  for (std::size_t r = 0; r < static_cast<std::size_t>(size.height); ++r) {
    row_start[r + 1] += row_start[r];
  }
  std::vector<int>& c0s = scratch.c0s;
  std::vector<int>& c1s = scratch.c1s;
  c0s.resize(total);
  c1s.resize(total);
  static const bool avx2 = use_avx2();
  for (std::size_t k = 0; k < all.size(); ++k) {
    (avx2 ? row_spans_avx2 : row_spans_plain)(all[k], size.width, &c0s[first_span[k]],
                                              &c1s[first_span[k]]);
  }
  std::vector<RowSpan>& by_row = scratch.by_row;
  by_row.resize(total);
  std::vector<std::size_t>& next = scratch.next;
  next.assign(row_start.begin(), row_start.end() - 1);
  for (std::size_t k = 0; k < all.size(); ++k) {
    const Piece& p = all[k];
    for (int r = p.first_row; r <= p.last_row; ++r) {
      const std::size_t i = first_span[k] + static_cast<std::size_t>(r - p.first_row);
      by_row[next[static_cast<std::size_t>(r)]++] = {c0s[i], c1s[i], &p};
    }
  }
  RowPositions& at = scratch.at;
  if (at.x.size() < static_cast<std::size_t>(size.width) + 8) at = RowPositions(size.width);
  for (int r = 0; r < size.height; ++r) {
    for (std::size_t i = row_start[static_cast<std::size_t>(r)];
         i < row_start[static_cast<std::size_t>(r) + 1]; ++i) {
      const auto& [c0, c1, p] = by_row[i];
      if (c1 < c0) continue;
      at.fill_line(c0, c1 - c0 + 1, p->ax * c0 + p->bx * r + p->cx, p->ay * c0 + p->by * r + p->cy,
                   p->steps);
    }
    for (std::size_t i = 0; i < N; ++i) {
      sample_row(*src[i], at, size.width, dst[i]->template ptr<std::uint8_t>(r));
    }
  }
}

}  // namespace

MeshWarp::MeshWarp(const cv::Mat& y, const cv::Mat& u, const cv::Mat& v,
                   std::vector<cv::Point2f> rest, std::vector<cv::Vec3i> triangles)
    : y_(padded_plane(y)),
      u_(padded_plane(u)),
      v_(padded_plane(v)),
      rest_(std::move(rest)),
      triangles_(std::move(triangles)),
      scratch_(std::make_unique<Scratch>()) {}

MeshWarp::MeshWarp(MeshWarp&&) noexcept = default;
MeshWarp& MeshWarp::operator=(MeshWarp&&) noexcept = default;
MeshWarp::~MeshWarp() = default;

void MeshWarp::warp(const std::vector<cv::Point2f>& posed, cv::Mat& dst_y, cv::Mat& dst_u,
                    cv::Mat& dst_v) {
  pieces(triangles_, rest_, posed, 1.0, dst_y.rows, scratch_->pieces);
  draw<1>(*scratch_, {&y_}, {&dst_y});
  pieces(triangles_, rest_, posed, 0.5, dst_u.rows, scratch_->pieces);
  draw<2>(*scratch_, {&u_, &v_}, {&dst_u, &dst_v});
}

}  // namespace pitchreel
