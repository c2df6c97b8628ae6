// ProgressSink: where long-running stages report how far they are. The CLI draws a
// bar, the service stores percent and stage on the job. Implementations must be cheap
// (called once per rendered frame) and safe to call from the thread running the job.
// It also totals the wall time remote engines spent on a GPU backend for this job,
// whether their calls succeeded or not (what the job cost), for the caller to read.
#pragma once

#include <string_view>

#include "core/status.h"

namespace pitchreel {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `stage` is a short stable name ("script", "speech", "render", "finalize");
  // `fraction` in [0, 1] is how far the stage is.
  virtual void update(std::string_view stage, double fraction) = 0;
  // True when the work should stop (the job was canceled, the server is shutting down).
  // Long stages poll it between steps and stop with Error code "canceled".
  virtual bool canceled() const { return false; }

  // Remote engines add the wall time of every GPU call, successful or not.
  void add_gpu_seconds(double seconds) { gpu_seconds_ += seconds; }
  double gpu_seconds() const { return gpu_seconds_; }

 private:
  double gpu_seconds_ = 0;
};

inline Error canceled_error() {
  return Error::unavailable("canceled", "The job was canceled before it finished.");
}

class NullProgress final : public ProgressSink {
 public:
  void update(std::string_view, double) override {}
};

}  // namespace pitchreel
