#include "core/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pitchreel {

void lower_thread_priority(int steps) {
  const auto self = static_cast<id_t>(::gettid());
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, self);  // -1 is a valid value: errno tells
  if (errno == 0) setpriority(PRIO_PROCESS, self, std::min(19, nice + steps));
}

}  // namespace pitchreel
