// Deleting a finished job's uploaded input image. The path comes from the stored job
// request, so it is checked against the uploads folder before anything is deleted: a
// request that names /etc/passwd, ../x or a symlinked folder leading out of uploads_dir
// deletes nothing.
#pragma once

#include <filesystem>

namespace pitchreel {

// Removes `file` (a regular file, or a symlink itself, never its target or a directory)
// when it lies inside `uploads_dir` after resolving symlinks in its folder. Returns true
// when something was removed. An empty uploads_dir disables deletion.
bool remove_input_file(const std::filesystem::path& file, const std::filesystem::path& uploads_dir);

}  // namespace pitchreel
