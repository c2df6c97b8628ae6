// A JSON Web Key Set (RFC 7517) holding the public keys that may sign RS256 and ES256
// tokens, e.g. Supabase's {project}/auth/v1/.well-known/jwks.json. Fetching the
// document (and refreshing it on rotation) belongs to the caller; this only parses.
//
// Accepted keys: kty "RSA" (n, e; 2048..8192 bits) for RS256 and kty "EC" with crv
// "P-256" (x, y; point checked on the curve) for ES256. As RFC 7517 §5 asks, keys that
// cannot be used are ignored rather than failing the set: other kty/crv values, "use"
// other than "sig", "key_ops" without "verify", an "alg" that does not fit the key, and
// malformed or weak keys. Symmetric ("oct") keys are always ignored: a published key set
// must never supply an HMAC secret. Ignored keys are counted and logged (by kid only).
//
// Immutable after parse; copies share the key handles. Safe to use from many threads.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pitchreel {

enum class JwkType { kRsa, kEcP256 };

struct Jwk {
  std::string kid;  // empty when the key has none
  JwkType type = JwkType::kRsa;
  std::shared_ptr<EVP_PKEY> key;  // public key; never null in a parsed set
};

class JwksKeySet {
 public:
  JwksKeySet() = default;  // an empty set: verifies nothing

  // Error code "jwks_invalid" when `json` is not a JSON object with a "keys" array (or is
  // unreasonably large). A set whose keys are all ignored parses fine and is empty:
  // Supabase publishes {"keys":[]} for projects that sign with the HS256 secret only.
  static Result<JwksKeySet> parse(std::string_view json);

  const std::vector<Jwk>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  bool has_key_id(std::string_view kid) const;
  std::size_t ignored() const { return ignored_; }

 private:
  std::vector<Jwk> keys_;
  std::size_t ignored_ = 0;
};

}  // namespace pitchreel
