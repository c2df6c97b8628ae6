#include "presenter/polygon_contains.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pitchreel {
namespace {

// Answer for answer cv::pointPolygonTest(..., false) >= 0: on random polygons (convex and
// not, both orientations, inner lips squashed flat) at random points, and on polygons with
// whole-pixel vertices at every pixel centre around them, where points fall exactly on
// vertices and edges (horizontal, vertical and slanted).
TEST(PolygonContains, AgreesWithOpenCvsPointPolygonTestEverywhere) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> coord(-20.0f, 60.0f);
  std::uniform_int_distribution<int> whole(0, 40);
  int inside = 0, outside = 0, compared = 0;
  for (int shape = 0; shape < 400; ++shape) {
    const bool grid = shape % 2 == 0;
    std::vector<cv::Point2f> polygon;
    const int n = 3 + shape % 8;
    for (int k = 0; k < n; ++k) {
      polygon.emplace_back(
          grid ? cv::Point2f(static_cast<float>(whole(rng)), static_cast<float>(whole(rng)))
               : cv::Point2f(coord(rng), shape % 5 == 0 ? 20.0f : coord(rng)));
    }
    for (int y = -22; y <= 62; y += grid ? 1 : 3) {
      for (int x = -22; x <= 62; x += grid ? 1 : 3) {
        const cv::Point2f p(static_cast<float>(x) + (grid ? 0.0f : coord(rng) / 80),
                            static_cast<float>(y));
        const bool expected = cv::pointPolygonTest(polygon, p, false) >= 0;
        ASSERT_EQ(polygon_contains(polygon, p), expected)
            << "shape " << shape << " point " << p << " polygon " << cv::Mat(polygon).t();
        (expected ? inside : outside) += 1;
        ++compared;
      }
    }
  }
  EXPECT_GT(inside, compared / 50);  // both answers are well represented
  EXPECT_GT(outside, compared / 50);
  EXPECT_FALSE(polygon_contains({}, {0, 0}));
}

}  // namespace
}  // namespace pitchreel
