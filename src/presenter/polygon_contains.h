// polygon_contains: whether a point lies inside a polygon or on its edge, by the rule of
// cv::pointPolygonTest(polygon, point, false) >= 0, answer for answer (the same crossing
// count in the same arithmetic), without that function's per-call cost: the mouth tests
// every pixel of the opening each frame, and cv::pointPolygonTest's argument wrapping and
// checks took more time than the test itself (~0.2 ms a frame at 1080p).
#pragma once

#include <span>

#include <opencv2/core.hpp>

namespace pitchreel {

// `polygon`: its vertices in order (closed implicitly), any orientation, may be concave.
bool polygon_contains(std::span<const cv::Point2f> polygon, cv::Point2f point);

}  // namespace pitchreel
