#include "auth/principal_cache.h"

#include <utility>

namespace pitchreel {

Result<std::optional<Principal>> PrincipalCache::get(const std::string& credential,
                                                     const Load& load) {
  if (auto hit = cache_.find(credential)) return hit;
  auto loaded = load(credential);
  if (loaded && *loaded) cache_.put(credential, **loaded);
  return loaded;
}

std::function<Result<std::optional<Principal>>(const std::string&)> cached_lookup(
    PrincipalCache& cache, PrincipalCache::Load load) {
  return [&cache, load = std::move(load)](const std::string& credential) {
    return cache.get(credential, load);
  };
}

}  // namespace pitchreel
