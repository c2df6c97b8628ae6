// Runs an offline batch: every item through an ItemRenderer, `jobs` at a time, each video
// named after its row and product ("0007-aurora-1.mp4") in the output folder, the report
// rewritten after every item. With `resume`, rows that the folder's report lists as made,
// whose key is unchanged and whose video is still there, are skipped. A failed item fails
// alone: the batch goes on and the report says why.
//
// Threads: run_batch blocks; it starts `jobs` threads, each with its own renderer from the
// factory (speech and video engines are not shared between threads). The observer is
// called from those threads, one call at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "batch/batch_item.h"
#include "batch/batch_report.h"
#include "core/progress.h"
#include "core/status.h"

namespace pitchreel::batch {

struct RenderedItem {
  std::filesystem::path video, poster, vtt, srt;
  double duration = 0;
};

class ItemRenderer {
 public:
  virtual ~ItemRenderer() = default;
  // Makes `output` (an .mp4; poster and captions beside it) for one item, or fails with
  // the item's error. Must leave nothing at `output` when it fails.
  virtual Result<RenderedItem> render(const BatchItem& item, const std::filesystem::path& output,
                                      ProgressSink& progress) = 0;
};
using RendererFactory = std::function<Result<std::unique_ptr<ItemRenderer>>()>;

class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void started(int total, int skipped) = 0;
  virtual void progress(int row, std::string_view stage, double fraction) = 0;
  virtual void finished(const ItemOutcome& outcome) = 0;
};

struct BatchRunOptions {
  std::filesystem::path out_dir;
  int jobs = 1;
  bool resume = false;
};

struct BatchSummary {
  int succeeded = 0;  // made in this run or an earlier one
  int failed = 0;
  int skipped = 0;  // made by an earlier run (--resume)
};

// "0007-aurora-1": the row, then the productId or the name's letters and digits.
std::string output_stem(const BatchItem& item);

// Errors: "invalid_jobs", "out_dir_not_writable", BatchReport's errors, the factory's.
Result<BatchSummary> run_batch(const std::vector<BatchItem>& items, const BatchRunOptions& options,
                               const RendererFactory& make_renderer, BatchObserver& observer);

}  // namespace pitchreel::batch
