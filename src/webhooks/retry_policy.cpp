#include "webhooks/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <sstream>

#include <fmt/format.h>

namespace pitchreel::webhooks {

using db::webhooks::AttemptRecord;
using db::webhooks::DeliveryStatus;

AttemptRecord decide(const AttemptResult& result, int attempts_before, std::int64_t now,
                     double jitter) {
  AttemptRecord record;
  record.http_status = result.http_status;
  record.error = result.error;
  const long s = result.http_status;
  if (s >= 200 && s < 300) {
    record.outcome = DeliveryStatus::kDelivered;
    record.error.clear();
    return record;
  }
  if (s == 410) {
    record.outcome = DeliveryStatus::kFailed;
    record.disable_endpoint_reason =
        "The endpoint answered 410 Gone, which asks for no further deliveries.";
    return record;
  }
  const int retry = attempts_before;  // index of the retry that would follow this attempt
  if (retry >= static_cast<int>(kRetryDelays.size())) {
    record.outcome = DeliveryStatus::kFailed;
    record.disable_endpoint_reason = fmt::format(
        "A delivery failed {} times over about 4 days; the last error: {}", retry + 1,
        result.error.empty() ? fmt::format("HTTP {}", s) : result.error);
    return record;
  }
  const double base = static_cast<double>(kRetryDelays[static_cast<std::size_t>(retry)]);
  auto delay = static_cast<std::int64_t>(
      std::llround(base * (1.0 + 0.1 * std::clamp(jitter, -1.0, 1.0))));
  if ((s == 429 || s >= 500) && result.retry_after_s) {
    // Honoured, but never beyond the longest step of the schedule.
    delay = std::max(delay, std::min(*result.retry_after_s, kRetryDelays.back()));
  }
  record.outcome = DeliveryStatus::kPending;
  record.next_attempt_at = now + std::max<std::int64_t>(1, delay);
  return record;
}

std::optional<std::int64_t> parse_retry_after(const std::string& value, std::int64_t now) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::stoll(value);
  }
  std::tm tm{};
  std::istringstream in(value);
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  const std::int64_t at = timegm(&tm);
  return std::max<std::int64_t>(0, at - now);
}

}  // namespace pitchreel::webhooks
