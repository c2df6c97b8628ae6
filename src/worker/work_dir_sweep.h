// Clearing the work folder when a node's worker pool starts. Renders write there under a
// folder per job; a process killed mid-render (kill -9, power loss) leaves its folder
// behind. At start no render of this node is running yet, so everything there is a
// leftover: its jobs are requeued by their expired leases and render again from scratch.
#pragma once

#include <filesystem>

namespace pitchreel {

// Removes every entry inside `work_dir` (not the folder itself) and returns how many
// entries it removed; entries that cannot be removed are logged and skipped.
int sweep_work_dir(const std::filesystem::path& work_dir);

}  // namespace pitchreel
