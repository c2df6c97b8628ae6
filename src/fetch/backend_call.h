// A call to a configured backend with retries: failures worth retrying (refused, reset,
// timeouts before any response, HTTP 429/502/503/504) are tried again after a backoff that
// doubles each time; anything else (4xx, a timeout after the server started answering) is
// final at once. A 2xx answer is returned as it is; everything else becomes an Error from
// backend_failure.h. Thread-safe.
#pragma once

#include <chrono>
#include <functional>

#include "core/status.h"
#include "fetch/backend_failure.h"
#include "fetch/http_call.h"

namespace pitchreel::fetch {

struct RetryPolicy {
  int attempts = 3;  // tries in all, >= 1
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30'000};
};

struct BackendCallResult {
  CallResponse response;
  int attempts = 1;  // how many tries it took
};

// `canceled` (may be empty) is polled during backoffs and, through request.on_tick, during
// the call; a cancel ends the call with code "canceled".
Result<BackendCallResult> call_backend(const BackendInfo& backend, CallRequest request,
                                       const RetryPolicy& policy,
                                       const std::function<bool()>& canceled = {});

}  // namespace pitchreel::fetch
