#include "core/data_dir.h"

namespace pitchreel {

Status DataDir::create() const {
  for (const auto& dir : {root, storage(), uploads(), work()}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return fail(Error::invalid("data_dir_unusable", "Cannot create " + dir.string() + " (" +
                                                          ec.message() +
                                                          "). Choose another --data-dir."));
    }
  }
  return {};
}

}  // namespace pitchreel
