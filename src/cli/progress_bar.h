// A terminal progress bar: stage, percent and ETA on one line of stderr, redrawn at
// most ten times a second. When stderr is not a terminal it prints nothing.
#pragma once

#include <chrono>
#include <string>

#include "core/progress.h"

namespace pitchreel::cli {

// How far a whole render is, from its stage and the stage's own fraction: the render stage
// dominates the wall time.
double render_fraction(std::string_view stage, double fraction);

class ProgressBar final : public ProgressSink {
 public:
  ProgressBar();
  ~ProgressBar() override;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::string_view stage, double fraction) override;

 private:
  void draw(bool force);

  bool enabled_;
  std::string stage_;
  double fraction_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace pitchreel::cli
