// Resamples an 8-bit plane through a pure zoom + offset: dst(x, y) = src((x - tx) / s,
// (y - ty) / s), bilinear, edges clamped. This is the whole camera move of a Ken Burns
// shot, with sub-pixel precision (1/256 px).
//
// Why not cv::warpAffine: it treats every transform as a general affine map and
// computes a coordinate pair per pixel, about 3.5 ns a pixel here, more than x264 spends
// encoding the same frame. A zoom + offset is separable: the horizontal taps are
// computed once per column, each source row is filtered horizontally once, and the
// vertical blend is a vectorisable pass, about a quarter of the cost.
#pragma once

#include <opencv2/core.hpp>

namespace pitchreel {

// `src` and `dst` are CV_8UC1 and distinct; `dst` keeps its size (it must be allocated).
void resample_scale_translate(const cv::Mat& src, cv::Mat& dst, double scale, double tx, double ty);

}  // namespace pitchreel
