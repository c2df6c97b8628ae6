#include "fetch/backend_health.h"

#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pitchreel::fetch {

BackendHealth::BackendHealth(std::string name, int unhealthy_after,
                             std::chrono::milliseconds probe_after)
    : name_(std::move(name)),
      unhealthy_after_(std::max(1, unhealthy_after)),
      probe_after_(probe_after) {}

Status BackendHealth::admit(const std::string& code_prefix) {
  std::lock_guard lock(mutex_);
  if (failures_ < unhealthy_after_) return {};
  const auto now = now_();
  if (!probing_ && now - opened_at_ >= probe_after_) {
    probing_ = true;  // one call goes through; its outcome decides
    spdlog::info("backend probe backend=\"{}\" consecutive_failures={}", name_, failures_);
    return {};
  }
  const double wait = std::chrono::duration<double>(probe_after_ - (now - opened_at_)).count();
  return fail(Error::unavailable(
      code_prefix + "_unhealthy",
      fmt::format("{} is marked unhealthy after {} failures in a row and will be tried again in "
                  "{:.0f} s. Last error: {}",
                  name_, failures_, std::max(0.0, wait), last_error_)));
}

void BackendHealth::record_success() {
  std::lock_guard lock(mutex_);
  if (failures_ >= unhealthy_after_) spdlog::info("backend healthy again backend=\"{}\"", name_);
  failures_ = 0;
  probing_ = false;
  last_error_.clear();
}

void BackendHealth::record_failure(const Error& error) {
  if (error.kind == ErrorKind::kInvalidInput || error.code == "canceled") return;
  std::lock_guard lock(mutex_);
  ++failures_;
  last_error_ = error.message;
  if (failures_ >= unhealthy_after_) {
    if (failures_ == unhealthy_after_ || probing_) {
      spdlog::warn("backend unhealthy backend=\"{}\" consecutive_failures={} code={}", name_,
                   failures_, error.code);
    }
    opened_at_ = now_();
    probing_ = false;
  }
}

void BackendHealth::use_clock(Now now) {
  std::lock_guard lock(mutex_);
  now_ = std::move(now);
}

HealthSnapshot BackendHealth::snapshot() const {
  std::lock_guard lock(mutex_);
  HealthSnapshot s;
  s.healthy = failures_ < unhealthy_after_;
  s.consecutive_failures = failures_;
  s.last_error = last_error_;
  if (!s.healthy) {
    s.retry_in_s = std::max(
        0.0, std::chrono::duration<double>(probe_after_ - (now_() - opened_at_)).count());
  }
  return s;
}

std::shared_ptr<BackendHealth> BackendHealth::for_url(const std::string& name,
                                                      const std::string& url, int unhealthy_after,
                                                      std::chrono::milliseconds probe_after) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<BackendHealth>> registry;
  std::lock_guard lock(mutex);
  auto& slot = registry[url];
  if (!slot) slot = std::make_shared<BackendHealth>(name, unhealthy_after, probe_after);
  return slot;
}

}  // namespace pitchreel::fetch
