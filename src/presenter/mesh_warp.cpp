#include "presenter/mesh_warp.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pitchreel {

void MeshWarp::Maps::reset(cv::Size size, std::size_t triangles) {
  at_rest.assign(triangles, 1);  // the maps start as the identity
  x.create(size, CV_32FC1);
  y.create(size, CV_32FC1);
  for (int r = 0; r < size.height; ++r) {
    auto* px = x.ptr<float>(r);
    auto* py = y.ptr<float>(r);
    for (int c = 0; c < size.width; ++c) {
      px[c] = static_cast<float>(c);
      py[c] = static_cast<float>(r);
    }
  }
}

MeshWarp::MeshWarp(cv::Size size, std::vector<cv::Vec3i> triangles)
    : size_(size), triangles_(std::move(triangles)) {
  full_.reset(size_, triangles_.size());
  half_.reset(size_ / 2, triangles_.size());
}

void MeshWarp::build(const std::vector<cv::Point2f>& rest, const std::vector<cv::Point2f>& posed,
                     float scale, Maps& maps) {
  // The mesh covers the whole region (its outer points are the region's edges), so every
  // pixel is written by the triangles' spans each frame; no reset is needed.
  const cv::Size size = maps.x.size();
  for (std::size_t n = 0; n < triangles_.size(); ++n) {
    const auto& t = triangles_[n];
    cv::Point2d d[3], s[3];
    bool at_rest = true;
    for (int k = 0; k < 3; ++k) {
      const auto i = static_cast<std::size_t>(t[k]);
      d[k] = cv::Point2d(posed[i]) * scale;
      s[k] = cv::Point2d(rest[i]) * scale;
      at_rest = at_rest && posed[i] == rest[i];
    }
    // A triangle at rest now and when last drawn already holds the identity map.
    if (at_rest && maps.at_rest[n]) continue;
    maps.at_rest[n] = at_rest;
    const cv::Point2d e1 = d[1] - d[0], e2 = d[2] - d[0];
    const double det = e1.x * e2.y - e1.y * e2.x;
    if (std::abs(det) < 1e-9) continue;  // a degenerate (closed) triangle covers no pixel
    // The affine map posed -> rest: rest = s0 + u f1 + v f2 with (u, v) barycentric.
    const cv::Point2d f1 = s[1] - s[0], f2 = s[2] - s[0];
    const double ux = e2.y / det, uy = -e2.x / det, vx = -e1.y / det, vy = e1.x / det;
    const double ax = f1.x * ux + f2.x * vx, bx = f1.x * uy + f2.x * vy;
    const double ay = f1.y * ux + f2.y * vx, by = f1.y * uy + f2.y * vy;
    const double cx = s[0].x - ax * d[0].x - bx * d[0].y;
    const double cy = s[0].y - ay * d[0].x - by * d[0].y;

    const int y0 = std::max(0, static_cast<int>(std::ceil(std::min({d[0].y, d[1].y, d[2].y}))));
    const int y1 =
        std::min(size.height - 1, static_cast<int>(std::floor(std::max({d[0].y, d[1].y, d[2].y}))));
    for (int r = y0; r <= y1; ++r) {
      // The triangle's span on this row, from its edges (each ordered by y, so that the
      // two triangles sharing an edge compute the same x and leave no gap).
      double lo = 1e30, hi = -1e30;
      for (int k = 0; k < 3; ++k) {
        cv::Point2d p = d[k], q = d[(k + 1) % 3];
        if (p.y > q.y) std::swap(p, q);
        if (r < p.y || r > q.y) continue;
        const double x = q.y == p.y ? p.x : p.x + (r - p.y) * (q.x - p.x) / (q.y - p.y);
        lo = std::min({lo, x, q.y == p.y ? q.x : x});
        hi = std::max({hi, x, q.y == p.y ? q.x : x});
      }
      const int c0 = std::max(0, static_cast<int>(std::ceil(lo - 1e-7)));
      const int c1 = std::min(size.width - 1, static_cast<int>(std::floor(hi + 1e-7)));
      float* mx = maps.x.ptr<float>(r);
      float* my = maps.y.ptr<float>(r);
      // Single precision from the row's start: exact to ~1e-4 px, and vectorisable.
      const auto ax_f = static_cast<float>(ax), ay_f = static_cast<float>(ay);
      const auto rx = static_cast<float>(ax * c0 + bx * r + cx);
      const auto ry = static_cast<float>(ay * c0 + by * r + cy);
      for (int c = c0; c <= c1; ++c) {
        const auto k = static_cast<float>(c - c0);
        mx[c] = rx + ax_f * k;
        my[c] = ry + ay_f * k;
      }
    }
  }
}

void MeshWarp::warp(const std::vector<cv::Point2f>& rest, const std::vector<cv::Point2f>& posed,
                    const cv::Mat& src_y, const cv::Mat& src_u, const cv::Mat& src_v,
                    cv::Mat& dst_y, cv::Mat& dst_u, cv::Mat& dst_v) {
  build(rest, posed, 1.0f, full_);
  build(rest, posed, 0.5f, half_);
  cv::remap(src_y, dst_y, full_.x, full_.y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::remap(src_u, dst_u, half_.x, half_.y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::remap(src_v, dst_v, half_.x, half_.y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
}

}  // namespace pitchreel
