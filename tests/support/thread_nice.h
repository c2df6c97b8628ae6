// The calling thread's own nice value, for tests of thread priorities
// (core/thread_priority.h). Linux keeps one per thread.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

namespace pitchreel::testing {

// -100 when it cannot be read (a valid nice value is -20..19, and -1 is one of them).
inline int this_thread_nice() {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  return errno == 0 ? nice : -100;
}

}  // namespace pitchreel::testing
