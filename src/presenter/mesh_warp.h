// MeshWarp: a piecewise-affine warp of one picture region. Each triangle of the posed mesh
// takes its pixels from the same triangle of the rest mesh (backward mapping, so a
// triangle that was a line at rest, such as closed lips, still fills when it opens).
// Every warp writes every pixel of the region: the mesh covers it (its outer points are the
// region's edges), so the destination may hold anything before. Row by row, each triangle's
// span of the row gets its source positions (affine along the row), and the row is then
// resampled in one pass (affine_span), with no whole-region remap maps. Keeps its working
// buffers from one warp to the next (a warp allocated ~0.5 MB of them at 1080p, every
// frame), and nothing else: each warp depends only on its own arguments. One warp at a
// time.
#pragma once

#include <memory>
#include <vector>

#include <opencv2/core.hpp>

namespace pitchreel {

class MeshWarp {
 public:
  // The region at rest: `y` at full resolution, `u` and `v` at half (copied); `rest` is the
  // mesh in the region's full-resolution pixels, `triangles` index it.
  MeshWarp(const cv::Mat& y, const cv::Mat& u, const cv::Mat& v, std::vector<cv::Point2f> rest,
           std::vector<cv::Vec3i> triangles);
  MeshWarp(MeshWarp&&) noexcept;
  MeshWarp& operator=(MeshWarp&&) noexcept;
  ~MeshWarp();

  // Writes the region with the mesh moved to `posed` (same points as the rest mesh) into
  // `dst_*` (the sizes of the planes at rest).
  void warp(const std::vector<cv::Point2f>& posed, cv::Mat& dst_y, cv::Mat& dst_u, cv::Mat& dst_v);

  struct Scratch;  // the working buffers (mesh_warp.cpp)

 private:
  cv::Mat y_, u_, v_;  // padded for affine_span
  std::vector<cv::Point2f> rest_;
  std::vector<cv::Vec3i> triangles_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace pitchreel
