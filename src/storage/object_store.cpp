#include "storage/object_store.h"

namespace pitchreel {

Result<std::filesystem::path> ObjectStore::local_path(const std::string& key) {
  return fail(Error::internal(
      "storage_not_local",
      "The " + name() + " store has no local file for " + key + "; serve it through its URL."));
}

std::optional<std::string> ObjectStore::direct_url(const std::string& /*key*/, int /*lifetime_s*/,
                                                   std::string_view /*download_name*/) const {
  return std::nullopt;
}

std::optional<std::string> ObjectStore::public_url(const std::string& /*key*/) const {
  return std::nullopt;
}

}  // namespace pitchreel
