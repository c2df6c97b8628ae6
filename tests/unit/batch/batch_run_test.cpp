// The batch runner with a small renderer that writes a file per item (the real pipeline is
// exercised by tests/integration/batch_test.cpp).
#include "batch/batch_run.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace pitchreel::batch {
namespace {

class FileRenderer final : public ItemRenderer {
 public:
  explicit FileRenderer(std::set<int>* rendered, std::mutex* mutex) : rendered_(rendered), mutex_(mutex) {}
  Result<RenderedItem> render(const BatchItem& item, const std::filesystem::path& output,
                              ProgressSink& progress) override {
    {
      std::lock_guard lock(*mutex_);
      rendered_->insert(item.row);
    }
    progress.update("render", 0.5);
    if (item.image_url == "broken.jpg") {
      return fail(Error::invalid("image_unreadable", "broken.jpg is not an image."));
    }
    std::ofstream(output) << item.product_name;
    return RenderedItem{output, {}, {}, {}, 1.5};
  }

 private:
  std::set<int>* rendered_;
  std::mutex* mutex_;
};

class Recorder final : public BatchObserver {
 public:
  void started(int total, int skipped) override {
    total_ = total;
    skipped_ = skipped;
  }
  void progress(int, std::string_view, double) override { ++progress_calls_; }
  void finished(const ItemOutcome& o) override { finished_.push_back(o.row); }
  int total_ = 0, skipped_ = 0, progress_calls_ = 0;
  std::vector<int> finished_;
};

BatchItem item(int row, std::string name, std::string image = "a.jpg") {
  BatchItem i;
  i.row = row;
  i.product_name = std::move(name);
  i.image_url = std::move(image);
  return i;
}

class BatchRunTest : public ::testing::Test {
 protected:
  Result<BatchSummary> run(const std::vector<BatchItem>& items, bool resume, int jobs = 2) {
    const RendererFactory factory = [this]() -> Result<std::unique_ptr<ItemRenderer>> {
      return std::make_unique<FileRenderer>(&rendered_, &mutex_);
    };
    return run_batch(items, {dir_.path(), jobs, resume}, factory, recorder_);
  }
  nlohmann::json report() {
    std::ifstream in(dir_.path() / BatchReport::kJsonName);
    return nlohmann::json::parse(in);
  }
  testing::TempDir dir_;
  std::set<int> rendered_;
  std::mutex mutex_;
  Recorder recorder_;
};

TEST_F(BatchRunTest, AFailedItemFailsAloneAndTheReportSaysWhy) {
  auto summary = run({item(2, "Aurora"), item(3, "Broken", "broken.jpg"), item(4, "Lamp Pro 2")}, false);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->succeeded, 2);
  EXPECT_EQ(summary->failed, 1);
  EXPECT_EQ(rendered_, (std::set<int>{2, 3, 4}));
  EXPECT_EQ(recorder_.finished_.size(), 3u);
  EXPECT_GE(recorder_.progress_calls_, 3);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "0002-aurora.mp4"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "0004-lamp-pro-2.mp4"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "0003-broken.mp4"));
  const auto r = report();
  EXPECT_EQ(r["succeeded"], 2);
  EXPECT_EQ(r["failed"], 1);
  EXPECT_EQ(r["items"][1]["status"], "failed");
  EXPECT_EQ(r["items"][1]["error"]["code"], "image_unreadable");
  EXPECT_EQ(r["items"][0]["video"], (dir_.path() / "0002-aurora.mp4").string());
  std::ifstream csv(dir_.path() / BatchReport::kCsvName);
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "row,status,productId,video,poster,vtt,srt,durationSec,errorCode,errorMessage\r");
}

TEST_F(BatchRunTest, ResumeSkipsWhatIsMadeAndRedoesWhatChangedFailedOrVanished) {
  std::vector<BatchItem> items = {item(2, "A"), item(3, "B", "broken.jpg"), item(4, "C"), item(5, "D")};
  ASSERT_TRUE(run(items, false));
  std::filesystem::remove(dir_.path() / "0005-d.mp4");  // made, then deleted by hand
  items[1].image_url = "b.jpg";                          // fixed
  items[2].script = "A new script.";                     // changed: made again
  rendered_.clear();
  auto summary = run(items, true);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(rendered_, (std::set<int>{3, 4, 5}));
  EXPECT_EQ(summary->skipped, 1);
  EXPECT_EQ(summary->succeeded, 4);
  EXPECT_EQ(summary->failed, 0);
  EXPECT_EQ(recorder_.skipped_, 1);
  EXPECT_EQ(report()["succeeded"], 4);

  rendered_.clear();
  ASSERT_TRUE(run(items, false));
  EXPECT_EQ(rendered_.size(), 4u) << "without --resume every row is made again";
}

TEST_F(BatchRunTest, BadJobsAndAnUnreadableReportAreRefused) {
  EXPECT_EQ(run({item(2, "A")}, false, 0).error().code, "invalid_jobs");
  std::ofstream(dir_.path() / BatchReport::kJsonName) << "{not json";
  EXPECT_EQ(run({item(2, "A")}, true).error().code, "batch_report_unreadable");
  EXPECT_TRUE(rendered_.empty());
}

TEST(BatchOutputStem, RowThenProductIdOrTheNamesLettersAndDigits) {
  BatchItem i = item(7, "Aurora Bottle (1 L), blue!");
  EXPECT_EQ(output_stem(i), "0007-aurora-bottle-1-l-blue");
  i.product_id = "aurora-1";
  EXPECT_EQ(output_stem(i), "0007-aurora-1");
  EXPECT_EQ(output_stem(item(12, "Ünïcode")), "0012-n-code");
  EXPECT_EQ(output_stem(item(3, "")), "0003");
}

}  // namespace
}  // namespace pitchreel::batch
