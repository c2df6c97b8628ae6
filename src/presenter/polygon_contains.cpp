#include "presenter/polygon_contains.h"

#include <cstddef>

namespace pitchreel {

bool polygon_contains(std::span<const cv::Point2f> polygon, cv::Point2f point) {
  if (polygon.empty()) return false;
  // OpenCV 4's pointPolygonTest for float contours without the distance: count the edges
  // that cross the ray to the right of the point; on an edge or a vertex is inside.
  int crossings = 0;
  cv::Point2f v = polygon.back();
  for (const cv::Point2f& next : polygon) {
    const cv::Point2f v0 = v;
    v = next;
    if ((v0.y <= point.y && v.y <= point.y) || (v0.y > point.y && v.y > point.y) ||
        (v0.x < point.x && v.x < point.x)) {
      if (point.y == v.y &&
          (point.x == v.x || (point.y == v0.y && ((v0.x <= point.x && point.x <= v.x) ||
                                                  (v.x <= point.x && point.x <= v0.x))))) {
        return true;
      }
      continue;
    }
    double side = static_cast<double>(point.y - v0.y) * (v.x - v0.x) -
                  static_cast<double>(point.x - v0.x) * (v.y - v0.y);
    if (side == 0) return true;
    if (v.y < v0.y) side = -side;
    crossings += side > 0;
  }
  return crossings % 2 == 1;
}

}  // namespace pitchreel
