#include "core/cpu_account.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <memory>

namespace pitchreel {
namespace {

thread_local CpuAccount* t_current = nullptr;

std::optional<std::chrono::nanoseconds> read_clock(clockid_t clock) {
  timespec t{};
  if (::clock_gettime(clock, &t) != 0) return std::nullopt;
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

}  // namespace

CpuAccount* CpuAccount::current() { return t_current; }

ThreadCharge::ThreadCharge(CpuAccount* account) : account_(account), outer_(t_current) {
  if (account_ == nullptr) return;
  t_current = account_;
  start_ = this_thread_cpu_time();
}

ThreadCharge::~ThreadCharge() {
  if (account_ == nullptr) return;
  account_->add(this_thread_cpu_time() - start_);
  t_current = outer_;
}

std::chrono::nanoseconds this_thread_cpu_time() {
  return read_clock(CLOCK_THREAD_CPUTIME_ID).value_or(std::chrono::nanoseconds(0));
}

std::optional<std::chrono::nanoseconds> thread_cpu_time(pid_t tid) {
  // Linux's clock id of another thread's CPU time (MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)
  // in the kernel's posix-timers.h; the same encoding glibc's pthread_getcpuclockid uses);
  // valid for threads of the calling process only.
  const auto clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
  return read_clock(clock);
}

std::vector<pid_t> threads_named(std::string_view name) {
  std::vector<pid_t> found;
  std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc/self/task"));
  if (!dir) return found;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string thread_name;
    if (std::getline(comm, thread_name) && thread_name == name) {
      found.push_back(static_cast<pid_t>(std::stol(entry->d_name)));
    }
  }
  return found;
}

std::string unique_thread_tag(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  // Unique among live threads as long as fewer than 10^6 tags are in use at once.
  return std::string(prefix.substr(0, 8)) + "-" + std::to_string(counter.fetch_add(1) % 1000000);
}

}  // namespace pitchreel
