#include "core/malloc_policy.h"

#include <malloc.h>

namespace pitchreel {

bool hold_malloc_thresholds() {
  constexpr int kMmapThreshold = 128 * 1024;  // glibc's own starting value
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1;
}

}  // namespace pitchreel
