#include "core/staged_files.h"

#include <fmt/format.h>
#include <unistd.h>

#include <random>

namespace pitchreel {

StagedFiles::~StagedFiles() {
  if (committed_) return;
  for (const auto& e : entries_) {
    std::error_code ec;
    std::filesystem::remove(e.temp, ec);
  }
}

std::filesystem::path StagedFiles::stage(const std::filesystem::path& final_path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto name =
      fmt::format(".{}.tmp-{}-{}", final_path.filename().string(), ::getpid(), rng() % 1000000);
  auto temp = final_path.parent_path() / name;
  entries_.push_back({temp, final_path});
  return temp;
}

Status StagedFiles::commit() {
  for (const auto& e : entries_) {
    std::error_code ec;
    std::filesystem::rename(e.temp, e.final_path, ec);
    if (ec) {
      return fail(Error::invalid(
          "output_not_writable",
          "Cannot move the result to " + e.final_path.string() + " (" + ec.message() + ")."));
    }
  }
  committed_ = true;
  return {};
}

}  // namespace pitchreel
