// Turns an Authorization header into a Principal. A bearer token shaped like an API key
// ("prk_...") is hashed and looked up by hash; anything else is verified as a JWT and
// its "sub" looked up as a profile. The database sits behind the two callbacks, so this
// module does not depend on pr_db's API.
//
// Errors: code "unauthorized" (HTTP 401) for a missing, malformed, invalid or unknown
// credential; "forbidden" (HTTP 403) from require_generate; errors returned by the
// lookups pass through unchanged (e.g. a database that is down). Messages never carry
// the token, the key or the secret.
//
// Thread safety: authenticate() may run on many threads at once; the lookups and the
// clock must be safe to call concurrently. set_jwks() may be called at any time (key
// rotation) and affects later calls only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwks.h"
#include "auth/jwt.h"
#include "core/model.h"
#include "core/status.h"

namespace pitchreel {

class Authenticator {
 public:
  // key_hash is hash_api_key(key); nullopt when no live key has that hash.
  using ApiKeyLookup = std::function<Result<std::optional<Principal>>(const std::string& key_hash)>;
  // user_id is the JWT's sub; nullopt when there is no profile for it.
  using ProfileLookup = std::function<Result<std::optional<Principal>>(const std::string& user_id)>;
  // Unix seconds; the system clock when not given.
  using Clock = std::function<std::int64_t()>;

  // `jwks` may be null: RS256/ES256 tokens are then refused.
  Authenticator(JwtConfig jwt, std::shared_ptr<const JwksKeySet> jwks, ApiKeyLookup api_keys,
                ProfileLookup profiles, Clock clock = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // `authorization` is the Authorization header's value ("Bearer <token>", scheme case
  // insensitive), empty when the header is absent.
  Result<Principal> authenticate(std::string_view authorization) const;

  void set_jwks(std::shared_ptr<const JwksKeySet> jwks);
  // Called when an RS256/ES256 token names a key id the current set lacks; returns the
  // newest set (see JwksRefresher::keys_for_unknown_kid), which is then tried once.
  using UnknownKeyHook = std::function<std::shared_ptr<const JwksKeySet>()>;
  void set_unknown_key_hook(UnknownKeyHook hook);

 private:
  Result<Principal> from_api_key(std::string_view key) const;
  Result<Principal> from_jwt(std::string_view token) const;

  JwtConfig jwt_;
  ApiKeyLookup api_keys_;
  ProfileLookup profiles_;
  Clock clock_;
  mutable std::mutex jwks_mutex_;
  std::shared_ptr<const JwksKeySet> jwks_;  // guarded by jwks_mutex_
  UnknownKeyHook unknown_key_;              // guarded by jwks_mutex_
};

// Generating and deleting videos need the owner or admin role.
// Error code "forbidden" otherwise.
Status require_generate(const Principal& principal);

}  // namespace pitchreel
