// ClaimBackoff: how long a worker waits after a failed claim (the database is down or
// unreachable) before trying again, and when to say so in the log.
//
// Delays grow exponentially from `base` (doubling per consecutive failure) up to `cap`,
// with "equal jitter": half the step is fixed, half random, so the workers of many nodes
// that lost the database together do not return to it in lockstep, and none retries
// sooner than half its step. A success resets the step.
//
// Logging once per state change: failure() reports `log` only for the first failure after
// a success (the outage begins), success() only for the first success after failures (it
// ends, with how long it lasted), so an outage of an hour is two log lines per worker,
// not one per retry.
//
// Time and randomness are injected (a clock and a [0, 1) source) so tests drive them.
// Not thread-safe: one per worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace pitchreel {

struct ClaimBackoffOptions {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{30000};
};

class ClaimBackoff {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Random = std::function<double()>;  // uniform in [0, 1)

  // Defaults: the steady clock and a per-instance Mersenne Twister seeded from the device.
  explicit ClaimBackoff(ClaimBackoffOptions options = {}, Clock clock = {}, Random random = {});

  struct Step {
    std::chrono::milliseconds delay{0};  // wait this long before the next claim
    bool log = false;                    // true on the first failure of an outage
    int failures = 0;                    // consecutive failures, this one included
  };
  // A claim failed.
  Step failure();

  struct Recovery {
    bool log = false;  // true when this success ends an outage
    int failures = 0;  // failed claims during that outage
    std::chrono::milliseconds outage{0};  // from its first failure to now
  };
  // A claim succeeded (found a job or found none).
  Recovery success();

  bool failing() const { return failures_ > 0; }

 private:
  ClaimBackoffOptions options_;
  Clock clock_;
  Random random_;
  int failures_ = 0;
  std::chrono::steady_clock::time_point outage_started_{};
};

}  // namespace pitchreel
