// Writes a picture as a baseline JPEG (posters, thumbnails), optimised Huffman tables.
#pragma once

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

// "poster_write_failed" (internal) when the file cannot be written.
Status write_jpeg(const cv::Mat& bgr, const std::filesystem::path& path, int quality = 88);

// The same from a frame in the encoder's layout (BT.709, limited range), converted to RGB
// strip by strip as the JPEG encoder asks for rows: no whole-picture RGB copy, so it can
// run beside the video encoder without adding a frame's worth of memory to its peak. Each
// chroma sample covers its 2x2 pixels (the JPEG's own 4:2:0 averages them back to it).
Status write_jpeg(const Yuv420& frame, const std::filesystem::path& path, int quality = 88);

}  // namespace pitchreel
