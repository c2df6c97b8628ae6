// Usage and estimated cost of one organisation over a period (GET /api/v1/usage and
// `pitchreel admin usage`): videos made and failed, seconds of video, render CPU and GPU
// seconds per day or month (UTC), the bytes stored now, and a cost from the operator's
// prices. A price that is not set leaves its cost out (never a zero that looks real).
//
// Periods: jobs count in the period in which they reached their final state.
// Thread safety: stateless; the store is used as its contract allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/status.h"
#include "db/store.h"

namespace pitchreel::api {

enum class Granularity { kDay, kMonth };

struct UsageQuery {
  std::int64_t from = 0;  // inclusive, 00:00 UTC of the first day
  std::int64_t to = 0;    // exclusive, 00:00 UTC of the day after the last
  Granularity granularity = Granularity::kDay;
};

// From the API's or the CLI's text: from/to as YYYY-MM-DD (UTC, both days included;
// defaults: the last 30 days up to today), granularity day or month. Errors: invalid
// "invalid_date", "invalid_range" (from after to, or more than 3,660 days),
// "invalid_granularity".
Result<UsageQuery> parse_usage_query(const std::string& from, const std::string& to,
                                     const std::string& granularity, std::int64_t now);

struct UsagePeriod {
  std::string period;  // "2026-12-04" or "2026-12"
  std::int64_t start = 0;
  std::int64_t videos = 0;
  std::int64_t failed = 0;
  std::int64_t canceled = 0;
  double video_seconds = 0;
  double cpu_seconds = 0;
  double gpu_seconds = 0;
};

struct Prices {
  std::optional<double> gpu_hour, cpu_hour, storage_gb_month;
  static Prices from(const ServiceConfig& config) {
    return {config.price_gpu_hour, config.price_cpu_hour, config.price_storage_gb_month};
  }
};

struct UsageReport {
  std::string organization_id;
  UsageQuery query;
  std::vector<UsagePeriod> periods;  // only periods with finished jobs, oldest first
  UsagePeriod total;
  std::int64_t stored_bytes = 0;
  Prices prices;
};

Result<UsageReport> usage_report(db::Store& store, const std::string& organization_id,
                                 const UsageQuery& query, const Prices& prices);

// The answer's JSON (the OpenAPI document's Usage schema).
nlohmann::json to_json(const UsageReport& report);

}  // namespace pitchreel::api
