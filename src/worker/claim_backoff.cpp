#include "worker/claim_backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace pitchreel {

ClaimBackoff::ClaimBackoff(ClaimBackoffOptions options, Clock clock, Random random)
    : options_(options), clock_(std::move(clock)), random_(std::move(random)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
  options_.base = std::max(options_.base, std::chrono::milliseconds(1));
  options_.cap = std::max(options_.cap, options_.base);
}

ClaimBackoff::Step ClaimBackoff::failure() {
  Step step;
  step.log = failures_ == 0;
  if (step.log) outage_started_ = clock_();
  ++failures_;
  step.failures = failures_;
  // base * 2^(failures-1), capped; the shift is bounded so it cannot overflow.
  const int doublings = std::min(failures_ - 1, 30);
  const auto full = std::min<std::int64_t>(options_.cap.count(),
                                           options_.base.count() * (std::int64_t{1} << doublings));
  const double jitter = std::clamp(random_(), 0.0, 1.0);
  step.delay = std::chrono::milliseconds(full / 2 + static_cast<std::int64_t>(jitter * (full - full / 2)));
  return step;
}

ClaimBackoff::Recovery ClaimBackoff::success() {
  Recovery r;
  if (failures_ == 0) return r;
  r.log = true;
  r.failures = failures_;
  r.outage = std::chrono::duration_cast<std::chrono::milliseconds>(clock_() - outage_started_);
  failures_ = 0;
  return r;
}

}  // namespace pitchreel
