// RenderCpuTime: the CPU time (user + system) one render took, for usage and cost. The
// encoder and image libraries run threads of their own, so the process's time (RUSAGE_SELF)
// is what a render costs, as long as it was the only render in the process for its whole
// duration. When renders overlapped (PITCHREEL_WORKERS > 1), the process's time cannot be
// split between them, and the figure is the render's CpuAccount (core/cpu_account.h): the
// CPU clocks of the threads that worked for it alone (the worker thread, the frame renderer,
// the audio encoder, x264's threads). It leaves out the shared pools of libvips and OpenCV,
// so it is a lower bound, close when the encoder dominates. `exclusive()` says which one
// was measured.
//
// Construct it just before the render and call seconds() just after, on the same thread.
// Thread safety: one object per render; objects on different threads are independent
// (they share only atomics).
#pragma once

#include <cstdint>

#include "core/cpu_account.h"

namespace pitchreel {

class RenderCpuTime {
 public:
  // `account` is charged by the render's threads and must outlive this object.
  explicit RenderCpuTime(const CpuAccount& account);
  ~RenderCpuTime();
  RenderCpuTime(const RenderCpuTime&) = delete;
  RenderCpuTime& operator=(const RenderCpuTime&) = delete;

  // Seconds since construction (see above). Call once.
  double seconds();
  bool exclusive() const { return exclusive_; }

 private:
  const CpuAccount& account_;
  double self_start_ = 0;
  std::uint64_t overlaps_at_start_ = 0;
  bool alone_at_start_ = true;
  bool exclusive_ = true;
  bool ended_ = false;
};

}  // namespace pitchreel
