// drop_shadow: darkens a picture under a soft, slightly offset copy of a box, the shadow
// that lifts the product off its backdrop (KenBurnsScene).
#pragma once

#include <opencv2/core.hpp>

namespace pitchreel {

// Darkens `canvas` (CV_8UC3) by up to 55% under `box` moved down and right by a third and
// a half of the shadow's softness (min(box side) / 20, at least 4 px), blurred with a
// Gaussian of that sigma. Only the box's neighbourhood (3 sigma around the shadow) is
// touched; a box partly or wholly outside the canvas is fine.
//
// The same picture as blurring a mask of the shadow with cv::GaussianBlur and multiplying,
// to within one level, at a fraction of the cost: the blur of a rectangle is the product
// of its width's and its height's 1-D blurs, so two short rows are filtered instead of
// the whole neighbourhood (which took up to 0.2 s before the first frame).
void drop_shadow(cv::Mat& canvas, cv::Rect box);

}  // namespace pitchreel
