// Reading a batch request (POST /api/v1/batches): a JSON body {defaults, items} or a
// multipart/form-data body with a CSV file (part "file"; other parts named like fields are
// defaults). Every row goes through the batch rows' own validation (src/batch/batch_item.h,
// the one the offline `pitchreel batch` uses), then the checks only the service makes:
// photo and portrait addresses must be http(s) URLs (the server never reads its own
// files for a request), voices and engines must exist on this server, and a presenter
// layout needs a portrait. Nothing is fetched here: each item's worker fetches its
// imageUrl, so a photo that cannot be fetched fails only its item.
//
// Thread safety: stateless; the context is only read.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/service_context.h"
#include "batch/batch_item.h"
#include "http/request.h"
#include "worker/job_spec.h"

namespace pitchreel::api {

struct BatchRequest {
  batch::Fields defaults;
  std::vector<batch::BatchItem> items;      // the rows that passed every check
  std::vector<batch::ItemProblem> problems;  // row order; any problem refuses the batch
  std::vector<std::string> ignored_columns;  // CSV columns (or JSON fields) not used
  std::size_t rows = 0;                      // rows read, good and bad
};

// Errors only for a body that cannot be read at all: "unsupported_media_type",
// "invalid_json", "batch_file_missing", "csv_malformed" / "csv_empty" / "csv_not_utf8".
Result<BatchRequest> read_batch_request(const ServiceContext& ctx, const http::Request& req);

// What an accepted item's job renders (the worker fetches the URLs).
JobSpec item_job_spec(const batch::BatchItem& item);

// {row, field, code, message} per problem, as the API answers them.
nlohmann::json problems_json(const std::vector<batch::ItemProblem>& problems);

}  // namespace pitchreel::api
