#include "core/malloc_policy.h"

#include <malloc.h>

namespace pitchreel {

bool hold_malloc_thresholds() {
  constexpr int kMmapThreshold = 8 << 20;
  constexpr int kTrimThreshold = 1 << 20;
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 &&
         mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
}

}  // namespace pitchreel
