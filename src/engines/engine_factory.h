// Picks the VideoEngine a job asked for: "cpu" (the embedded renderer) or "hallo3" (a
// Hallo3 GPU server, only when HALLO3_URL is usable). Errors (invalid input):
// "engine_unknown", and check_hallo3_url's "gpu_not_configured" / "gpu_misconfigured".
#pragma once

#include <memory>
#include <string_view>

#include "core/config.h"
#include "engines/video_engine.h"

namespace pitchreel {

// Checks the name (and the backend's configuration) without making an engine.
Status check_engine(std::string_view name, const ServiceConfig& config);

Result<std::unique_ptr<VideoEngine>> make_video_engine(std::string_view name,
                                                       const ServiceConfig& config);

}  // namespace pitchreel
