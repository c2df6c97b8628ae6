// The OpenAPI document's part for catalogue batches and usage (paths, schemas, tags, and
// the batchId / cpuSeconds fields of Job and Video). Called by openapi.cpp's build().
#pragma once

#include <nlohmann/json.hpp>

namespace pitchreel::api {

// Adds to a document that already has the core paths and schemas (Job, Video, Error).
void add_batch_and_usage_openapi(nlohmann::json& doc);

}  // namespace pitchreel::api
