#include "fetch/backend_call.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace pitchreel::fetch {
namespace {

// Sleeps in short steps so a cancel is seen quickly. False when canceled.
bool backoff(std::chrono::milliseconds delay, const std::function<bool()>& canceled) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (canceled && canceled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(50), std::chrono::duration_cast<std::chrono::milliseconds>(
                                           until - std::chrono::steady_clock::now()) +
                                           std::chrono::milliseconds(1)));
  }
  return true;
}

}  // namespace

Result<BackendCallResult> call_backend(const BackendInfo& backend, CallRequest request,
                                       const RetryPolicy& policy,
                                       const std::function<bool()>& canceled) {
  if (canceled) {
    auto outer = request.on_tick;
    request.on_tick = [outer, canceled](double elapsed) {
      if (canceled()) return false;
      return outer ? outer(elapsed) : true;
    };
  }
  const int attempts = std::max(1, policy.attempts);
  auto delay = policy.first_backoff;
  for (int attempt = 1;; ++attempt) {
    auto result = http_call(request);
    bool retry = false;
    Error error;
    if (result) {
      if (result->status >= 200 && result->status < 300) {
        return BackendCallResult{std::move(*result), attempt};
      }
      error = describe_status(backend, *result);
      retry = worth_retrying(result->status);
    } else {
      error = describe_failure(backend, result.error(), request);
      retry = worth_retrying(result.error());
      spdlog::debug("backend call failed backend=\"{}\" kind=\"{}\" detail=\"{}\"", backend.name,
                    to_string(result.error().kind), result.error().detail);
    }
    if (!retry || attempt >= attempts) {
      if (attempt > 1) error.message += " (" + std::to_string(attempt) + " attempts)";
      return fail(std::move(error));
    }
    spdlog::warn(
        "backend call will be retried backend=\"{}\" url={} attempt={} code={} backoff_ms={}",
        backend.name, display_url(request.url), attempt, error.code, delay.count());
    if (!backoff(delay, canceled))
      return fail(Error::unavailable("canceled", "The job was canceled before it finished."));
    delay = std::min(policy.max_backoff, delay * 2);
  }
}

}  // namespace pitchreel::fetch
