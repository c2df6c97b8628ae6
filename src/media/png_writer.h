// PNG encoding in memory (libvips), for pictures sent to other services without loss.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace pitchreel {

// `bgr` is CV_8UC3. "png_encode_failed" (internal) when libvips fails.
Result<std::vector<std::uint8_t>> encode_png(const cv::Mat& bgr);

}  // namespace pitchreel
