// The layout of a data directory (`--data-dir`, default ./data): everything the service
// keeps lives under one folder, so a backup is one copy and two servers never share state
// by accident.
#pragma once

#include <filesystem>

#include "core/status.h"

namespace pitchreel {

struct DataDir {
  std::filesystem::path root;

  std::filesystem::path database() const { return root / "pitchreel.db"; }
  std::filesystem::path storage() const { return root / "storage"; }   // LocalStore root
  std::filesystem::path uploads() const { return root / "uploads"; }   // accepted inputs of queued jobs
  std::filesystem::path work() const { return root / "work"; }         // renders in progress
  std::filesystem::path url_secret() const { return root / "url-signing.key"; }

  // Creates the folders; "data_dir_unusable" with the path and the reason otherwise.
  Status create() const;
};

}  // namespace pitchreel
