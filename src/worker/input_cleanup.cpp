#include "worker/input_cleanup.h"

namespace pitchreel {

bool remove_input_file(const std::filesystem::path& file,
                       const std::filesystem::path& uploads_dir) {
  namespace fs = std::filesystem;
  if (uploads_dir.empty() || file.empty()) return false;
  const auto name = file.filename();
  if (name.empty() || name == "." || name == "..") return false;
  std::error_code ec;
  const auto root = fs::weakly_canonical(fs::absolute(uploads_dir, ec), ec);
  if (ec) return false;
  // Resolve the folder but not the file: a symlink named as the input is removed itself.
  const auto folder = fs::weakly_canonical(fs::absolute(file, ec).parent_path(), ec);
  if (ec) return false;
  const auto target = folder / name;
  const auto relative = target.lexically_relative(root);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return false;
  const auto type = fs::symlink_status(target, ec).type();
  if (ec || (type != fs::file_type::regular && type != fs::file_type::symlink)) return false;
  return fs::remove(target, ec) && !ec;
}

}  // namespace pitchreel
