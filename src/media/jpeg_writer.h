// Writes a BGR frame as a baseline JPEG (posters, thumbnails).
#pragma once

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace pitchreel {

// "poster_write_failed" (internal) when the file cannot be written.
Status write_jpeg(const cv::Mat& bgr, const std::filesystem::path& path, int quality = 88);

}  // namespace pitchreel
