// The presenter's piecewise-affine warp against OpenCV's own resampling: a row sampled
// along a line matches cv::remap (INTER_LINEAR, BORDER_REPLICATE), a mesh moved as a whole
// matches cv::remap through the inverse move, a mesh at rest copies the picture exactly, and every
// warp writes every pixel of the region whatever the destination held before.
#include "presenter/mesh_warp.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "presenter/affine_span.h"

namespace pitchreel {
namespace {

cv::Mat textured(cv::Size size, unsigned seed) {
  cv::Mat m(size, CV_8UC1);
  cv::randu(m, cv::Scalar(0), cv::Scalar(256));
  cv::GaussianBlur(m, m, cv::Size(0, 0), 1.5);  // photo-like: neighbours correlate
  cv::Mat ramp(size, CV_8UC1);
  for (int r = 0; r < size.height; ++r) ramp.row(r).setTo(static_cast<int>((r * 7 + seed) % 256));
  cv::addWeighted(m, 0.7, ramp, 0.3, 0, m);
  return m;
}

double max_difference(const cv::Mat& a, const cv::Mat& b) { return cv::norm(a, b, cv::NORM_INF); }

TEST(AffineSpanTest, MatchesRemapAlongLinesIncludingPastTheEdges) {
  const cv::Mat plane = textured({97, 61}, 3);
  const cv::Mat padded = padded_plane(plane);
  std::mt19937 random(11);
  std::uniform_real_distribution<double> position(-6, 100), step(-1.3, 1.3);
  for (int line = 0; line < 300; ++line) {
    const double x = position(random), y = position(random) * 0.6, dx = step(random),
                 dy = step(random) * 0.3;
    const int n = 1 + line % 90;  // spans shorter and longer than a vector's eight
    cv::Mat map_x(1, n, CV_32FC1), map_y(1, n, CV_32FC1);
    for (int k = 0; k < n; ++k) {
      map_x.at<float>(0, k) = static_cast<float>(x + dx * k);
      map_y.at<float>(0, k) = static_cast<float>(y + dy * k);
    }
    cv::Mat expected;
    cv::remap(plane, expected, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::Mat got(1, n + 8, CV_8UC1, cv::Scalar(7));
    RowPositions at(n);
    at.fill_line(0, n, x, y, dx, dy);
    sample_row(padded, at, n, got.ptr<std::uint8_t>());
    ASSERT_LE(max_difference(got.colRange(0, n), expected), 1.0)
        << "line " << line << " from (" << x << ", " << y << ") step (" << dx << ", " << dy << ")";
    EXPECT_EQ(cv::countNonZero(got.colRange(n, n + 8) != 7), 0) << "wrote past the span";
  }
}

// The header's promise: exact integer arithmetic, whatever the path a group of eight takes
// (byte shuffles where they read close together on one row pair or across two, gathers
// elsewhere). The reference is the formula itself, pixel by pixel, on the positions.
std::uint8_t reference_sample(const cv::Mat& plane, std::int32_t px, std::int32_t py) {
  const int x = std::clamp(px, 0, (plane.cols - 1) * 32);
  const int y = std::clamp(py, 0, (plane.rows - 1) * 32);
  const int x0 = std::min(x >> 5, plane.cols - 2), y0 = std::min(y >> 5, plane.rows - 2);
  const int wx = x - x0 * 32, wy = y - y0 * 32;
  const auto at = [&](int r, int c) { return static_cast<int>(plane.at<std::uint8_t>(r, c)); };
  const int top = at(y0, x0) * 32 + (at(y0, x0 + 1) - at(y0, x0)) * wx;
  const int bottom = at(y0 + 1, x0) * 32 + (at(y0 + 1, x0 + 1) - at(y0 + 1, x0)) * wx;
  return static_cast<std::uint8_t>((top * 32 + (bottom - top) * wy + 512) >> 10);
}

TEST(AffineSpanTest, NearTheIdentityAndFarFromItTheSamplesAreExact) {
  const cv::Mat plane = textured({203, 77}, 5);
  const cv::Mat padded = padded_plane(plane);
  std::mt19937 random(17);
  std::uniform_real_distribution<double> unit(0, 1);
  std::size_t groups_across_rows = 0;
  for (int line = 0; line < 2000; ++line) {
    const bool near = line % 4 != 0;  // mostly what the presenter's warp does
    // Lines that end on the last rows and columns too, where the row pair is the last.
    const double x = unit(random) * 230 - 10, y = unit(random) * 90 - 6;
    const double dx = near ? 0.75 + 0.5 * unit(random) : unit(random) * 5 - 2.5;
    const double dy = near ? (unit(random) - 0.5) * 0.5 : unit(random) * 3 - 1.5;
    const int n = 1 + line % 120;
    RowPositions at(n);
    at.fill_line(0, n, x, y, dx, dy);
    std::vector<std::uint8_t> got(static_cast<std::size_t>(n));
    sample_row(padded, at, n, got.data());
    for (int k = 0; k < n; ++k) {
      ASSERT_EQ(got[static_cast<std::size_t>(k)],
                reference_sample(plane, at.x[static_cast<std::size_t>(k)],
                                 at.y[static_cast<std::size_t>(k)]))
          << "line " << line << " pixel " << k << " from (" << x << ", " << y << ") step ("
          << dx << ", " << dy << ")";
    }
    for (int k = 0; k + 8 <= n; k += 8) {
      const auto row = [&](int i) { return at.y[static_cast<std::size_t>(i)] >> 5; };
      groups_across_rows += near && row(k) != row(k + 7) && row(k) >= 0 && row(k + 7) < 75;
    }
  }
  EXPECT_GT(groups_across_rows, 100u);  // the case where eight read two row pairs is covered
}

// A row's spans are filled in the mesh's order, not left to right: a span must not touch
// its neighbours' positions, whatever its length against a vector's eight.
TEST(AffineSpanTest, APositionsSpanWritesOnlyItsOwnColumns) {
  for (int n = 1; n <= 20; ++n) {
    RowPositions at(40);
    std::fill(at.x.begin(), at.x.end(), -7);
    std::fill(at.y.begin(), at.y.end(), -7);
    at.fill_line(9, n, 3.25, 2.5, 1.125, -0.0625);
    for (std::size_t c = 0; c < at.x.size(); ++c) {
      const bool inside = c >= 9 && c < 9u + static_cast<std::size_t>(n);
      if (!inside) {
        ASSERT_EQ(at.x[c], -7) << "n " << n << " column " << c;
        ASSERT_EQ(at.y[c], -7) << "n " << n << " column " << c;
      } else {
        const double k = static_cast<double>(c - 9);  // exact in 1/32 pixel here
        ASSERT_EQ(at.x[c], static_cast<std::int32_t>((3.25 + 1.125 * k) * 32)) << c;
        ASSERT_EQ(at.y[c], static_cast<std::int32_t>(std::floor((2.5 - 0.0625 * k) * 32))) << c;
      }
    }
  }
  // A span of two from a nearly degenerate triangle: steps of thousands of pixels, still
  // within the fixed-point range (eight of them would not be: no overflow on the way).
  RowPositions at(8);
  at.fill_line(1, 2, 10.0, 5.0, 4100.0, -4100.0);
  EXPECT_EQ(at.x[1], 10 * 32);
  EXPECT_EQ(at.y[1], 5 * 32);
  EXPECT_EQ(at.x[2], 4110 * 32);
  EXPECT_EQ(at.y[2], -4095 * 32);
}

// Many lines of one direction share their steps (a triangle's spans), set up for the
// farthest position of any of them: each line's positions are those it has set up alone
// (fixed point, or the clamped path for steps or positions beyond its range), and within
// 1/32 pixel of x + k dx.
TEST(AffineSpanTest, LinesSharingTheirStepsHoldTheSamePositions) {
  std::mt19937 random(5);
  std::uniform_real_distribution<double> position(-40, 400), step(-2.5, 2.5);
  const double directions[][2] = {{1.0, 0.0}, {0.9, -0.07}, {4100.0, -4100.0}, {9000.0, 1.0}};
  for (int d = 0; d < 8; ++d) {
    const double dx = d < 4 ? directions[d][0] : step(random);
    const double dy = d < 4 ? directions[d][1] : step(random);
    for (int line = 0; line < 50; ++line) {
      const int n = 1 + line % 23;
      const double x = position(random), y = position(random);
      const double reach = std::max(
          {std::abs(x), std::abs(y), std::abs(x + dx * (n - 1)), std::abs(y + dy * (n - 1))});
      const LineSteps steps(dx, dy, reach + 50);  // as a mesh triangle bounds its spans
      RowPositions one_by_one(40), shared(40);
      one_by_one.fill_line(3, n, x, y, dx, dy);
      shared.fill_line(3, n, x, y, steps);
      ASSERT_EQ(shared.x, one_by_one.x) << "direction " << d << " line " << line;
      ASSERT_EQ(shared.y, one_by_one.y) << "direction " << d << " line " << line;
      if (reach + 50 >= 8192) continue;  // clamped: not the formula
      for (int k = 0; k < n; ++k) {
        ASSERT_NEAR(shared.x[3 + k], (x + dx * k) * 32, 1.0) << d << " " << line << " " << k;
        ASSERT_NEAR(shared.y[3 + k], (y + dy * k) * 32, 1.0) << d << " " << line << " " << k;
      }
    }
  }
}

// A grid mesh over `size`, two triangles a cell.
struct Mesh {
  std::vector<cv::Point2f> points;
  std::vector<cv::Vec3i> triangles;
};

Mesh grid(cv::Size size, int cells) {
  Mesh m;
  for (int j = 0; j <= cells; ++j) {
    for (int i = 0; i <= cells; ++i) {
      m.points.emplace_back(static_cast<float>(i) * static_cast<float>(size.width - 1) / cells,
                            static_cast<float>(j) * static_cast<float>(size.height - 1) / cells);
    }
  }
  const auto at = [cells](int i, int j) { return j * (cells + 1) + i; };
  for (int j = 0; j < cells; ++j) {
    for (int i = 0; i < cells; ++i) {
      m.triangles.emplace_back(at(i, j), at(i + 1, j), at(i + 1, j + 1));
      m.triangles.emplace_back(at(i, j), at(i + 1, j + 1), at(i, j + 1));
    }
  }
  return m;
}

struct Planes {
  cv::Mat y, u, v;
};

Planes warped(MeshWarp& warp, const std::vector<cv::Point2f>& posed, cv::Size size, int fill) {
  Planes out{cv::Mat(size, CV_8UC1, cv::Scalar(fill)), cv::Mat(size / 2, CV_8UC1, cv::Scalar(fill)),
             cv::Mat(size / 2, CV_8UC1, cv::Scalar(fill))};
  warp.warp(posed, out.y, out.u, out.v);
  return out;
}

TEST(MeshWarpTest, AtRestTheRegionIsCopiedExactly) {
  const cv::Size size(120, 90);
  const cv::Mat y = textured(size, 1), u = textured(size / 2, 2), v = textured(size / 2, 5);
  const Mesh mesh = grid(size, 6);
  MeshWarp warp(y, u, v, mesh.points, mesh.triangles);
  const Planes out = warped(warp, mesh.points, size, 0);
  EXPECT_EQ(max_difference(out.y, y), 0.0);
  EXPECT_EQ(max_difference(out.u, u), 0.0);
  EXPECT_EQ(max_difference(out.v, v), 0.0);
}

TEST(MeshWarpTest, AMeshMovedAsAWholeIsThatMoveAndFillsTheRegion) {
  const cv::Size size(160, 120);
  const cv::Mat y = textured(size, 1), u = textured(size / 2, 2), v = textured(size / 2, 5);
  Mesh mesh = grid(size, 7);
  // A small turn, zoom and shift about the centre, as the head's motion is.
  cv::Matx23d move = cv::getRotationMatrix2D_(cv::Point2f(80, 60), 1.5, 1.02);
  move(0, 2) += 1.3;
  move(1, 2) -= 0.7;
  std::vector<cv::Point2f> posed;
  for (const auto& p : mesh.points) {
    posed.emplace_back(static_cast<float>(move(0, 0) * p.x + move(0, 1) * p.y + move(0, 2)),
                       static_cast<float>(move(1, 0) * p.x + move(1, 1) * p.y + move(1, 2)));
  }
  MeshWarp warp(y, u, v, mesh.points, mesh.triangles);
  const Planes dark = warped(warp, posed, size, 0);
  const Planes light = warped(warp, posed, size, 255);
  // Inside the moved region every pixel is written, whatever was there before.
  const std::vector<cv::Point2f> outline = {posed[0], posed[7], posed[63], posed[56]};
  const auto inside = [&](cv::Size plane, float scale) {
    cv::Mat mask(plane, CV_8UC1, cv::Scalar(0));
    for (int r = 0; r < plane.height; ++r) {
      for (int c = 0; c < plane.width; ++c) {
        const cv::Point2f centre(static_cast<float>(c) / scale, static_cast<float>(r) / scale);
        if (cv::pointPolygonTest(outline, centre, true) > 2.5) mask.at<std::uint8_t>(r, c) = 255;
      }
    }
    return mask;
  };
  const cv::Mat covered = inside(size, 1), covered_half = inside(size / 2, 0.5f);
  ASSERT_GT(cv::countNonZero(covered), size.area() * 8 / 10);
  EXPECT_EQ(cv::norm(dark.y, light.y, cv::NORM_INF, covered), 0.0) << "pixels left unwritten";

  // What each pixel should show: the source at the inverse move, resampled by cv::remap.
  const auto reference = [&](const cv::Mat& plane, double scale) {
    cv::Matx23d back;
    cv::invertAffineTransform(move, back);
    cv::Mat map_x(plane.size(), CV_32FC1), map_y(plane.size(), CV_32FC1);
    for (int r = 0; r < plane.rows; ++r) {
      for (int c = 0; c < plane.cols; ++c) {
        const double x = c / scale, yy = r / scale;
        map_x.at<float>(r, c) =
            static_cast<float>((back(0, 0) * x + back(0, 1) * yy + back(0, 2)) * scale);
        map_y.at<float>(r, c) =
            static_cast<float>((back(1, 0) * x + back(1, 1) * yy + back(1, 2)) * scale);
      }
    }
    cv::Mat out;
    cv::remap(plane, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
  };
  EXPECT_LE(cv::norm(dark.y, reference(y, 1), cv::NORM_INF, covered), 1.0);
  // Chroma: the same move at half resolution.
  EXPECT_LE(cv::norm(dark.u, reference(u, 0.5), cv::NORM_INF, covered_half), 1.0);
  EXPECT_EQ(cv::norm(dark.u, light.u, cv::NORM_INF, covered_half), 0.0);
  EXPECT_EQ(cv::norm(dark.v, light.v, cv::NORM_INF, covered_half), 0.0);
}

TEST(MeshWarpTest, AWarpAfterOthersIsWhatAFreshWarpGives) {
  // The warp keeps its working buffers from one frame to the next: what a frame shows must
  // not depend on the frames before it (here a larger move, then a small one). As in the
  // presenter's rig, the mesh's outer points stay where they are and the inner ones move.
  const cv::Size size(160, 120);
  const cv::Mat y = textured(size, 1), u = textured(size / 2, 2), v = textured(size / 2, 5);
  constexpr int kCells = 7;
  const Mesh mesh = grid(size, kCells);
  const auto moved = [&](double angle, double zoom, float dx) {
    const cv::Matx23d move = cv::getRotationMatrix2D_(cv::Point2f(80, 60), angle, zoom);
    std::vector<cv::Point2f> posed = mesh.points;
    for (int j = 1; j < kCells; ++j) {
      for (int i = 1; i < kCells; ++i) {
        cv::Point2f& p = posed[static_cast<std::size_t>(j * (kCells + 1) + i)];
        p = {static_cast<float>(move(0, 0) * p.x + move(0, 1) * p.y + move(0, 2)) + dx,
             static_cast<float>(move(1, 0) * p.x + move(1, 1) * p.y + move(1, 2))};
      }
    }
    return posed;
  };
  MeshWarp reused(y, u, v, mesh.points, mesh.triangles);
  const Planes before = warped(reused, moved(-4, 1.08, 3.5f), size, 0);
  const Planes after = warped(reused, moved(1, 0.99, -0.6f), size, 255);
  MeshWarp fresh(y, u, v, mesh.points, mesh.triangles);
  const Planes expected = warped(fresh, moved(1, 0.99, -0.6f), size, 0);
  ASSERT_GT(max_difference(before.y, after.y), 0.0);  // the two moves differ
  EXPECT_EQ(max_difference(after.y, expected.y), 0.0);
  EXPECT_EQ(max_difference(after.u, expected.u), 0.0);
  EXPECT_EQ(max_difference(after.v, expected.v), 0.0);
}

}  // namespace
}  // namespace pitchreel
