#include "worker/render_cpu_time.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>

namespace pitchreel {
namespace {

std::atomic<int> g_active{0};
// Incremented whenever a render starts while another is running: a render that sees it
// change overlapped with one that started after it.
std::atomic<std::uint64_t> g_overlaps{0};

double cpu_seconds(int who) {
  rusage u{};
  if (getrusage(who, &u) != 0) return 0;
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

RenderCpuTime::RenderCpuTime(const CpuAccount& account) : account_(account) {
  const int before = g_active.fetch_add(1);
  if (before > 0) g_overlaps.fetch_add(1);
  alone_at_start_ = before == 0;
  overlaps_at_start_ = g_overlaps.load();
  self_start_ = cpu_seconds(RUSAGE_SELF);
}

RenderCpuTime::~RenderCpuTime() {
  if (!ended_) g_active.fetch_sub(1);
}

double RenderCpuTime::seconds() {
  const double self = cpu_seconds(RUSAGE_SELF) - self_start_;
  const double threads = std::chrono::duration<double>(account_.total()).count();
  exclusive_ = alone_at_start_ && g_overlaps.load() == overlaps_at_start_;
  if (!ended_) {
    ended_ = true;
    g_active.fetch_sub(1);
  }
  return exclusive_ ? self : threads;
}

}  // namespace pitchreel
