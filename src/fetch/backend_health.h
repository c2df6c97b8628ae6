// BackendHealth: a circuit breaker for one remote backend. After `unhealthy_after`
// consecutive failures the backend is unhealthy: calls are refused at once (no job waits
// on a server known to be down) until `probe_after` has passed, when one call is let
// through as a probe; its success makes the backend healthy again, its failure restarts
// the wait. Failures that are the caller's fault (invalid input) are not counted.
// Thread-safe; one instance per backend URL, shared by every job (see for_url()).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace pitchreel::fetch {

struct HealthSnapshot {
  bool healthy = true;
  int consecutive_failures = 0;
  std::string last_error;  // the last failure's message, empty when none
  double retry_in_s = 0;   // when unhealthy: seconds until the next probe may run
};

class BackendHealth {
 public:
  BackendHealth(std::string name, int unhealthy_after, std::chrono::milliseconds probe_after);

  // OK when a call may go ahead (healthy, or unhealthy and due for a probe); otherwise
  // "<code_prefix>_unhealthy" (unavailable), saying since when and the last error.
  Status admit(const std::string& code_prefix);
  void record_success();
  void record_failure(const Error& error);
  HealthSnapshot snapshot() const;

  // Where the breaker reads the time (steady_clock::now by default). Tests drive it to step
  // past `probe_after` without waiting; set it before the instance is shared.
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  void use_clock(Now now);

  // The process-wide instance for a backend URL (created with these limits on first use).
  static std::shared_ptr<BackendHealth> for_url(const std::string& name, const std::string& url,
                                                int unhealthy_after,
                                                std::chrono::milliseconds probe_after);

 private:
  std::string name_;
  int unhealthy_after_;
  std::chrono::milliseconds probe_after_;
  mutable std::mutex mutex_;
  Now now_ = [] { return Clock::now(); };
  int failures_ = 0;
  std::string last_error_;
  Clock::time_point opened_at_{};
  bool probing_ = false;
};

}  // namespace pitchreel::fetch
