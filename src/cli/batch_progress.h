// What `pitchreel batch` shows while it runs: on a terminal, one line redrawn at most ten
// times a second (rows done, failed, percent, ETA); in any case a line on stderr for each
// row that fails, with its error, so a user can fix the sheet while the rest renders.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "batch/batch_run.h"

namespace pitchreel::cli {

class BatchProgress final : public batch::BatchObserver {
 public:
  BatchProgress();
  ~BatchProgress() override;
  BatchProgress(const BatchProgress&) = delete;
  BatchProgress& operator=(const BatchProgress&) = delete;

  void started(int total, int skipped) override;
  void progress(int row, std::string_view stage, double fraction) override;
  void finished(const batch::ItemOutcome& outcome) override;

 private:
  void draw(bool force);
  void clear_line();

  bool tty_;
  int total_ = 0;
  int todo_ = 0;  // rows this run renders
  int done_ = 0;
  int failed_ = 0;
  std::map<int, double> running_;  // row -> its render's fraction
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace pitchreel::cli
