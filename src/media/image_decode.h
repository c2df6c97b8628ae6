// The libvips pipeline behind load_image: pick a loader we trust, read the header,
// check the limits, then decode, orient, convert to sRGB, flatten and hand over BGR.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/image.h"

namespace pitchreel {

// `bytes` is non-empty and within the byte limit. May throw std::bad_alloc or cv::Exception;
// load_image turns those into errors.
Result<cv::Mat> decode_image(std::span<const std::uint8_t> bytes, const std::string& name,
                             const ImageLoadOptions& options);

}  // namespace pitchreel
