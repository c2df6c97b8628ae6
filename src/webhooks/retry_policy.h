// What an attempt's result means for its delivery (docs/webhooks.md, "Retries"):
//   2xx                         delivered;
//   410 Gone                    failed, and the endpoint is disabled;
//   429 and 5xx                 retried, no sooner than Retry-After (seconds or HTTP date);
//   anything else (3xx: redirects are never followed, other 4xx, no answer, timeout)
//                               retried.
// Retries follow kRetryDelays (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after
// the previous attempt) with ±10 % jitter, so many endpoints failing together do not retry
// in lockstep. After the last retry fails the delivery fails and its endpoint is disabled
// with the reason. Pure: `jitter` in [-1, 1] is drawn by the caller (tests pass 0).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "db/webhook_types.h"

namespace pitchreel::webhooks {

inline constexpr std::array<std::int64_t, 9> kRetryDelays = {
    5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600};

struct AttemptResult {
  long http_status = 0;               // 0: no HTTP answer
  std::string error;                  // what went wrong; empty for a 2xx
  std::optional<std::int64_t> retry_after_s;  // from a 429/5xx answer's Retry-After
};

// `attempts_before`: attempts already made before this one. Returns the record to store:
// outcome, next_attempt_at, and the reason to disable the endpoint, if any.
db::webhooks::AttemptRecord decide(const AttemptResult& result, int attempts_before,
                                   std::int64_t now, double jitter);

// Retry-After as seconds from `now`: delta-seconds or an IMF-fixdate; nullopt if unreadable.
std::optional<std::int64_t> parse_retry_after(const std::string& value, std::int64_t now);

}  // namespace pitchreel::webhooks
