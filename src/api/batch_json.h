// The JSON shape of a batch in API answers and its event stream.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/service_context.h"
#include "db/store_types.h"

namespace pitchreel::api {

// The batch with its counts and progress; with `items` (GET /api/v1/batches/{id}) each
// item's row and job (its video inside, when it succeeded). Videos are read from the store.
Result<nlohmann::json> batch_json(const ServiceContext& ctx, const db::batches::Batch& batch,
                                  const std::optional<std::vector<db::batches::Item>>& items);

}  // namespace pitchreel::api
