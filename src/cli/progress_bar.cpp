#include "cli/progress_bar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace pitchreel::cli {
namespace {

// Rough share of the wall time before and within each stage.
struct StageSpan {
  const char* name;
  double begin;
  double width;
};
constexpr StageSpan kStages[] = {{"script", 0.0, 0.01},
                                 {"image", 0.01, 0.02},
                                 {"speech", 0.03, 0.05},
                                 {"render", 0.08, 0.9},
                                 {"finalize", 0.98, 0.02}};

}  // namespace

ProgressBar::ProgressBar() : enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && drawn_) std::fputs("\n", stderr);
}

double render_fraction(std::string_view stage, double fraction) {
  for (const auto& s : kStages) {
    if (stage == s.name) return s.begin + s.width * fraction;
  }
  return 0;
}

void ProgressBar::update(std::string_view stage, double fraction) {
  if (!enabled_) return;
  const bool stage_changed = stage_ != stage;
  stage_ = stage;
  fraction_ = fraction;
  draw(stage_changed || fraction >= 1.0);
}

void ProgressBar::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double done = render_fraction(stage_, fraction_);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(std::lround(done * kWidth));
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '-');
  char eta[32] = "--";
  if (done > 0.1) {
    std::snprintf(eta, sizeof eta, "%.0fs", elapsed * (1 - done) / done);
  }
  std::fprintf(stderr, "\r%-9s [%s] %3.0f%%  elapsed %.0fs  eta %s   ", stage_.c_str(), bar.c_str(),
               done * 100, elapsed, eta);
  std::fflush(stderr);
}

}  // namespace pitchreel::cli
