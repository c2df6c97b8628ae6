// UrlSigner: expiring links to stored objects served by `pitchreel serve`, so a video can be
// embedded or downloaded without an API token while links stop working after a while.
//   GET /files/{key}?expires={unix seconds}&sig={base64url HMAC-SHA256(secret, key "\n" expires)}
// Keys that pass check_object_key() need no percent-encoding, so the signed key is exactly
// the URL path after the prefix. Changing the secret revokes every issued link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel {

class UrlSigner {
 public:
  // `secret`: at least 32 random bytes in any encoding, e.g. from random_secret(). An empty
  // secret fails closed: verify() rejects everything.
  explicit UrlSigner(std::string secret);
  ~UrlSigner();  // wipes the secret from memory
  UrlSigner(const UrlSigner&) = default;
  UrlSigner& operator=(const UrlSigner&) = default;

  // The query string "expires={expires_at}&sig={signature}" for `key`, valid until
  // `expires_at` (unix seconds, exclusive).
  std::string sign(std::string_view key, std::int64_t expires_at) const;

  // True when `signature` was made by sign() with this secret for exactly this key and
  // expiry, and `now` < `expires_at`. The comparison takes constant time, so timing does not
  // reveal how much of a forged signature was right. Thread safe.
  bool verify(std::string_view key, std::int64_t expires_at, std::string_view signature,
              std::int64_t now) const;

 private:
  std::string signature(std::string_view key, std::int64_t expires_at) const;
  std::string secret_;
};

// A new secret for first start-up: 32 bytes from the system CSPRNG, as 64 hex digits.
// Error::internal("random_unavailable") if the generator fails, rather than a weak secret.
Result<std::string> random_secret();

}  // namespace pitchreel
