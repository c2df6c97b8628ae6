// StagedFiles: outputs are written under temporary names beside their final paths and
// renamed into place only when everything succeeded, so a failed or interrupted run
// never leaves a partial video, poster or caption file behind.
#pragma once

#include <filesystem>
#include <vector>

#include "core/status.h"

namespace pitchreel {

class StagedFiles {
 public:
  StagedFiles() = default;
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;
  // Removes every temporary file that was not committed.
  ~StagedFiles();

  // Returns the temporary path to write instead of `final_path` (same folder, hidden name).
  std::filesystem::path stage(const std::filesystem::path& final_path);
  // Renames every staged file to its final path.
  Status commit();

 private:
  struct Entry {
    std::filesystem::path temp;
    std::filesystem::path final_path;
  };
  std::vector<Entry> entries_;
  bool committed_ = false;
};

}  // namespace pitchreel
