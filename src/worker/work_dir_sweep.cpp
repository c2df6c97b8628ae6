#include "worker/work_dir_sweep.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace pitchreel {

int sweep_work_dir(const std::filesystem::path& work_dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> entries;
  for (std::filesystem::directory_iterator it(work_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    entries.push_back(it->path());
  }
  int removed = 0;
  for (const auto& entry : entries) {
    std::error_code remove_ec;
    std::filesystem::remove_all(entry, remove_ec);  // a symlink is removed, never followed
    if (remove_ec) {
      spdlog::warn("stale work entry not removed path={} error=\"{}\"", entry.string(),
                   remove_ec.message());
    } else {
      ++removed;
    }
  }
  if (removed > 0) {
    spdlog::info("removed stale work entries count={} work_dir={}", removed, work_dir.string());
  }
  return removed;
}

}  // namespace pitchreel
