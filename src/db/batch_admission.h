// The pieces of batch admission both engines share: the checks on a new batch's shape and
// the arithmetic of the daily quota (the engines count, this decides).
#pragma once

#include <cstdint>
#include <optional>

#include "core/status.h"
#include "db/store_types.h"

namespace pitchreel::db::batches {

inline constexpr std::size_t kMaxItems = 1000;

// invalid "batch_empty" / "batch_too_large", or success.
Status check_shape(const NewBatch& batch);

// `used`: the organisation's jobs (not canceled) created in the last 24 h. nullopt: the
// batch fits. Otherwise the refusal; `oldest_to_leave` is the creation time of the job
// whose leaving the window lets the whole batch in (the (used + n - limit)-th oldest),
// nullopt when the batch is larger than the quota.
std::optional<QuotaRefusal> refusal(std::int64_t limit, std::int64_t used, std::int64_t n,
                                    std::optional<std::int64_t> oldest_to_leave,
                                    std::int64_t now);

// How many of the window's oldest jobs must leave before the batch fits (>= 1), when the
// batch is not larger than the quota; what OFFSET (minus one) finds `oldest_to_leave`.
inline std::int64_t jobs_to_leave(std::int64_t limit, std::int64_t used, std::int64_t n) {
  return used + n - limit;
}

inline constexpr std::int64_t kQuotaWindowS = 86400;

}  // namespace pitchreel::db::batches
