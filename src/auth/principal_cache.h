// PrincipalCache: a few seconds' memory of who a credential belongs to. Every API request
// authenticates, and a client polling a job sends the same key many times a second;
// remembering the answer briefly spares a database lookup per request.
//
// Contract:
// - Only found principals are kept, for `ttl`; an unknown credential is looked up every
//   time, so a key created a moment ago works at once.
// - The price is staleness bounded by `ttl`: a revoked key, a deleted user or a changed
//   role takes effect within `ttl` (the service uses 2 s). clear() forgets at once.
// - Safe to call from many threads; `load` runs outside any lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/model.h"
#include "core/status.h"
#include "core/ttl_cache.h"

namespace pitchreel {

class PrincipalCache {
 public:
  using Clock = TtlCache<Principal>::Clock;
  using Load = std::function<Result<std::optional<Principal>>(const std::string& credential)>;

  PrincipalCache(std::chrono::milliseconds ttl, std::size_t capacity, Clock clock = {})
      : cache_(ttl, capacity, std::move(clock)) {}

  // The cached principal for `credential` (a key hash or a JWT subject), else load()'s
  // answer, kept when it found one.
  Result<std::optional<Principal>> get(const std::string& credential, const Load& load);
  void clear() { cache_.clear(); }

 private:
  TtlCache<Principal> cache_;
};

// Wraps an Authenticator lookup (ApiKeyLookup or ProfileLookup) with `cache`.
std::function<Result<std::optional<Principal>>(const std::string&)> cached_lookup(
    PrincipalCache& cache, PrincipalCache::Load load);

}  // namespace pitchreel
