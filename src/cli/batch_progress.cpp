#include "cli/batch_progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "cli/progress_bar.h"

namespace pitchreel::cli {
namespace {

std::string duration_text(double seconds) {
  const auto s = static_cast<long>(std::lround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

BatchProgress::BatchProgress() : tty_(::isatty(STDERR_FILENO) == 1) {}

BatchProgress::~BatchProgress() {
  if (tty_ && drawn_) std::fputs("\n", stderr);
}

void BatchProgress::started(int total, int skipped) {
  total_ = total;
  todo_ = total - skipped;
  start_ = std::chrono::steady_clock::now();
  if (skipped > 0) {
    std::fprintf(stderr, "%d of %d rows already made (--resume): %d to go\n", skipped, total,
                 todo_);
  }
  draw(true);
}

void BatchProgress::progress(int row, std::string_view stage, double fraction) {
  running_[row] = render_fraction(stage, fraction);
  draw(false);
}

void BatchProgress::finished(const batch::ItemOutcome& outcome) {
  running_.erase(outcome.row);
  ++done_;
  if (outcome.status == "failed") {
    ++failed_;
    clear_line();
    std::fprintf(stderr, "row %d%s: error[%s]: %s\n", outcome.row,
                 outcome.product_id.empty() ? "" : (" (" + outcome.product_id + ")").c_str(),
                 outcome.error_code.c_str(), outcome.error_message.c_str());
  }
  draw(true);
}

void BatchProgress::clear_line() {
  if (tty_ && drawn_) std::fputs("\r\033[K", stderr);
}

void BatchProgress::draw(bool force) {
  if (!tty_ || todo_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  double units = done_;
  for (const auto& [row, f] : running_) units += f;
  const double fraction = units / todo_;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string eta =
      fraction > 0.02 ? duration_text(elapsed * (1 - fraction) / fraction) : std::string("--");
  constexpr int kWidth = 24;
  std::string bar(static_cast<std::size_t>(std::lround(fraction * kWidth)), '#');
  bar.resize(kWidth, '-');
  std::fprintf(stderr, "\r%d/%d done%s [%s] %3.0f%%  elapsed %s  eta %s ", done_, todo_,
               failed_ > 0 ? fmt::format(", {} failed", failed_).c_str() : "", bar.c_str(),
               fraction * 100, duration_text(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
}

}  // namespace pitchreel::cli
