// Whole-picture conversions between BGR (full range, what image decoders and JPEG
// writers use) and Yuv420 (what the encoder takes), through libswscale with BT.709
// coefficients. Used once per still or poster, and once per frame of a video made
// elsewhere (render/video_layer.h), never per rendered frame.
#pragma once

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

// `bgr` is CV_8UC3 with even width and height.
Result<Yuv420> bgr_to_yuv420(const cv::Mat& bgr);
Result<cv::Mat> yuv420_to_bgr(const Yuv420& yuv);

}  // namespace pitchreel
