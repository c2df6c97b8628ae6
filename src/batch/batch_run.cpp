#include "batch/batch_run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pitchreel::batch {
namespace {

// Forwards one item's progress to the observer under the runner's lock.
class ItemProgress final : public ProgressSink {
 public:
  ItemProgress(int row, BatchObserver& observer, std::mutex& mutex)
      : row_(row), observer_(observer), mutex_(mutex) {}
  void update(std::string_view stage, double fraction) override {
    std::lock_guard lock(mutex_);
    observer_.progress(row_, stage, fraction);
  }

 private:
  int row_;
  BatchObserver& observer_;
  std::mutex& mutex_;
};

// Holds an exclusive lock on the folder's lock file for the run: two batches writing into
// one folder would overwrite each other's report and sweep each other's files.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& dir)
      : fd_(::open((dir / ".batch.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {}
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool try_lock() { return fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0; }

 private:
  int fd_;
};

// What a killed run left: staged outputs (".0007-x.mp4.tmp-...", core/staged_files.h) and
// fetched inputs (".0007-x-image"). Only names of that shape are touched.
void sweep_leftovers(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.size() > 6 && name[0] == '.' &&
                      std::all_of(name.begin() + 1, name.begin() + 5,
                                  [](char c) { return c >= '0' && c <= '9'; }) &&
                      (name[5] == '-' || name[5] == '.');
    if (ours && entry.is_regular_file(ec)) {
      std::filesystem::remove(entry.path(), ec);
      spdlog::info("batch: removed a leftover of an interrupted run file=\"{}\"", name);
    }
  }
}

bool already_made(const ItemOutcome& earlier, const std::string& key) {
  std::error_code ec;
  return earlier.status == "succeeded" && earlier.key == key && !earlier.video.empty() &&
         std::filesystem::is_regular_file(earlier.video, ec);
}

}  // namespace

std::string output_stem(const BatchItem& item) {
  std::string name = item.product_id;
  if (name.empty()) {
    for (char c : item.product_name) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) && u < 0x80) {
        name += static_cast<char>(std::tolower(u));
      } else if (!name.empty() && name.back() != '-') {
        name += '-';
      }
      if (name.size() >= 40) break;
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
  }
  return name.empty() ? fmt::format("{:04d}", item.row) : fmt::format("{:04d}-{}", item.row, name);
}

Result<BatchSummary> run_batch(const std::vector<BatchItem>& items, const BatchRunOptions& options,
                               const RendererFactory& make_renderer, BatchObserver& observer) {
  if (options.jobs < 1 || options.jobs > 16) {
    return fail(Error::invalid("invalid_jobs",
                               fmt::format("--jobs is {}: give 1 to 16 videos at a time.",
                                           options.jobs)));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec || !std::filesystem::is_directory(options.out_dir, ec)) {
    return fail(Error::invalid("out_dir_not_writable",
                               fmt::format("Cannot create the output folder {}.",
                                           options.out_dir.string())));
  }
  FolderLock folder_lock(options.out_dir);
  if (!folder_lock.try_lock()) {
    return fail(Error::invalid("batch_folder_busy",
                               fmt::format("Another batch is writing into {}: wait for it to end, "
                                           "or give another --out-dir.",
                                           options.out_dir.string())));
  }
  sweep_leftovers(options.out_dir);
  std::map<int, ItemOutcome> earlier;
  if (options.resume) {
    auto loaded = BatchReport::load(options.out_dir);
    if (!loaded) return fail(loaded.error());
    for (auto& o : *loaded) earlier[o.row] = std::move(o);
  }

  BatchReport report(options.out_dir);
  BatchSummary summary;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < items.size(); ++i) {
    ItemOutcome o;
    o.row = items[i].row;
    o.key = item_key(items[i]);
    o.product_id = items[i].product_id;
    o.status = "pending";
    if (auto it = earlier.find(o.row); it != earlier.end() && already_made(it->second, o.key)) {
      o = it->second;
      ++summary.skipped;
      ++summary.succeeded;
    } else {
      todo.push_back(i);
    }
    report.items().push_back(std::move(o));
  }
  if (auto s = report.save(); !s) return fail(s.error());
  observer.started(static_cast<int>(items.size()), summary.skipped);

  std::mutex mutex;  // the report, the summary and the observer
  std::atomic<std::size_t> next{0};
  std::optional<Error> fatal;
  const auto work = [&] {
    auto renderer = make_renderer();
    if (!renderer) {
      std::lock_guard lock(mutex);
      if (!fatal) fatal = renderer.error();
      return;
    }
    for (;;) {
      const std::size_t n = next++;
      if (n >= todo.size()) return;
      const BatchItem& item = items[todo[n]];
      const auto output = options.out_dir / (output_stem(item) + ".mp4");
      ItemProgress progress(item.row, observer, mutex);
      auto made = (*renderer)->render(item, output, progress);
      std::lock_guard lock(mutex);
      ItemOutcome& o = report.items()[todo[n]];
      if (made) {
        o.status = "succeeded";
        o.video = made->video;
        o.poster = made->poster;
        o.vtt = made->vtt;
        o.srt = made->srt;
        o.duration = made->duration;
        o.error_code.clear();
        o.error_message.clear();
        ++summary.succeeded;
      } else {
        o.status = "failed";
        o.video.clear();
        o.poster.clear();
        o.vtt.clear();
        o.srt.clear();
        o.error_code = made.error().code;
        o.error_message = made.error().message;
        ++summary.failed;
        spdlog::info("batch row failed row={} code={}", item.row, made.error().code);
      }
      if (auto s = report.save(); !s && !fatal) fatal = s.error();
      observer.finished(o);
    }
  };
  const int threads = std::min<int>(options.jobs, static_cast<int>(std::max<std::size_t>(1, todo.size())));
  std::vector<std::jthread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(work);
  pool.clear();  // joins
  if (fatal) return fail(*fatal);
  return summary;
}

}  // namespace pitchreel::batch
