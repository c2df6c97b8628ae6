// MeshWarp: a piecewise-affine warp of one picture region. Each triangle of the posed mesh
// takes its pixels from the same triangle of the rest mesh (backward mapping, so a
// triangle that was a line at rest, such as closed lips, still fills when it opens).
// Pixels no moved triangle covers keep their own value. The remap maps are kept between
// frames; an instance is used by one thread at a time.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace pitchreel {

class MeshWarp {
 public:
  // `size` is the region's size at full resolution; maps are also built at half size for
  // the chroma planes.
  MeshWarp(cv::Size size, std::vector<cv::Vec3i> triangles);

  // Builds the maps for `posed` (region pixels), then resamples `src_*` (the region at
  // rest) into `dst_*`. Full-resolution plane y, half-resolution planes u and v.
  void warp(const std::vector<cv::Point2f>& rest, const std::vector<cv::Point2f>& posed,
            const cv::Mat& src_y, const cv::Mat& src_u, const cv::Mat& src_v, cv::Mat& dst_y,
            cv::Mat& dst_u, cv::Mat& dst_v);

 private:
  struct Maps {
    cv::Mat x, y;
    std::vector<char> at_rest;  // per triangle: its span holds the identity map
    void reset(cv::Size size, std::size_t triangles);
  };
  void build(const std::vector<cv::Point2f>& rest, const std::vector<cv::Point2f>& posed,
             float scale, Maps& maps);

  cv::Size size_;
  std::vector<cv::Vec3i> triangles_;
  Maps full_, half_;
};

}  // namespace pitchreel
