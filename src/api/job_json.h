// The JSON shapes of jobs and videos in API answers and events, with signed URLs to the
// stored files (valid for config.url_expiry_s).
#pragma once

#include <nlohmann/json.hpp>

#include "api/service_context.h"
#include "core/model.h"

namespace pitchreel::api {

nlohmann::json video_json(const ServiceContext& ctx, const Video& video);
// `video` is the job's video when it has succeeded.
nlohmann::json job_json(const ServiceContext& ctx, const Job& job, const std::optional<Video>& video,
                        std::optional<std::int64_t> queue_position);

}  // namespace pitchreel::api
