#include "db/batch_admission.h"

#include <algorithm>

#include <fmt/format.h>

namespace pitchreel::db::batches {

Status check_shape(const NewBatch& batch) {
  if (batch.items.empty()) {
    return fail(Error::invalid("batch_empty", "The batch has no items: add at least one product."));
  }
  if (batch.items.size() > kMaxItems) {
    return fail(Error::invalid(
        "batch_too_large", fmt::format("The batch has {} items; the limit is {}. Split it into "
                                       "several batches.",
                                       batch.items.size(), kMaxItems)));
  }
  return {};
}

std::optional<QuotaRefusal> refusal(std::int64_t limit, std::int64_t used, std::int64_t n,
                                    std::optional<std::int64_t> oldest_to_leave,
                                    std::int64_t now) {
  if (limit <= 0 || used + n <= limit) return std::nullopt;
  QuotaRefusal r;
  r.limit = limit;
  r.used = used;
  r.fits_now = std::max<std::int64_t>(0, limit - used);
  if (n <= limit && oldest_to_leave) {
    r.fits_all_in_s = std::max<std::int64_t>(1, *oldest_to_leave + kQuotaWindowS - now);
  }
  return r;
}

}  // namespace pitchreel::db::batches
