// BatchReport: what became of each row of an offline batch, written beside the videos as
// batch-report.json and batch-report.csv (row, status, productId, the output files or the
// error). It is rewritten after every finished row, under a temporary name and renamed, so
// an interrupted run leaves a report that matches the files on disk; `--resume` reads it
// back and skips the rows already made.
//
// Thread-safety: none; the runner serialises calls.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "batch/batch_item.h"
#include "core/status.h"

namespace pitchreel::batch {

struct ItemOutcome {
  int row = 0;
  std::string key;     // what identifies the row's content across runs (see item_key)
  std::string status;  // "succeeded", "failed" or "pending"
  std::string product_id;
  std::filesystem::path video, poster, vtt, srt;
  double duration = 0;
  std::string error_code, error_message;
};

// The fields that decide a row's video; a resumed run redoes a row whose key changed.
std::string item_key(const BatchItem& item);

class BatchReport {
 public:
  explicit BatchReport(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Reads batch-report.json from the folder; an absent report is an empty one. A report
  // that cannot be read is "batch_report_unreadable" (remove it or drop --resume).
  static Result<std::vector<ItemOutcome>> load(const std::filesystem::path& dir);

  std::vector<ItemOutcome>& items() { return items_; }
  // Writes both files; "batch_report_write_failed" naming the folder.
  Status save() const;

  static constexpr const char* kJsonName = "batch-report.json";
  static constexpr const char* kCsvName = "batch-report.csv";

 private:
  std::filesystem::path dir_;
  std::vector<ItemOutcome> items_;
};

}  // namespace pitchreel::batch
