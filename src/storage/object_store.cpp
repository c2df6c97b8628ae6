#include "storage/object_store.h"

namespace pitchreel {

Result<std::filesystem::path> ObjectStore::local_path(const std::string& key) {
  return fail(Error::internal(
      "storage_not_local",
      "The " + name() + " store has no local file for " + key + "; serve it through its URL."));
}

}  // namespace pitchreel
