// Verification of JWTs as Supabase issues them (RFC 7519 over JWS compact form).
//
// The token never chooses how it is checked: its header "alg" must be exactly
//   HS256 - only when an HS256 secret is configured, checked with that secret only;
//   RS256 - only against a JWKS key of kty RSA;
//   ES256 - only against a JWKS key of kty EC on P-256 (signature is JOSE R||S).
// "none" in any spelling, every other algorithm, "crit" headers and header-supplied keys
// (jwk, jku, x5u, x5c) are refused or ignored, so a public key can never act as an HMAC
// secret and an RS256 token is never checked against the HS256 secret. When the header
// has a "kid", only JWKS keys with that kid are tried; without one, every key of the
// right type is tried.
//
// The signature is checked before the payload is even parsed. Then: "exp" is required
// (expired when now >= exp + leeway), "nbf" is checked when present (now + leeway < nbf
// is too early), "aud" must equal the configured audience or be an array containing it,
// and "sub" must be a non-empty string.
//
// Errors are Error::invalid("unauthorized", ...) with a sentence that never quotes the
// token, its claims or the secret. Stateless; safe to call from many threads.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwks.h"
#include "core/status.h"

namespace pitchreel {

struct JwtConfig {
  std::string hs256_secret;                // SUPABASE_JWT_SECRET; empty: HS256 tokens are refused
  std::string audience = "authenticated";  // empty: "aud" is not checked
  std::int64_t leeway_s = 30;              // clock skew allowed on exp/nbf; negative counts as 0
  // When non-empty, "iss" must equal it, e.g. "https://<ref>.supabase.co/auth/v1".
  std::string issuer;
};

struct JwtClaims {
  std::string sub;    // the user id (a UUID in Supabase)
  std::string role;   // Supabase's Postgres role ("authenticated"), not pitchreel's Role
  std::string email;  // empty when absent
  std::int64_t exp = 0;
  std::int64_t nbf = 0;  // 0 when absent
  std::int64_t iat = 0;  // 0 when absent
  nlohmann::json all;    // the whole payload
};

// `keys` may be null (no JWKS configured). `now` is Unix seconds.
Result<JwtClaims> verify_jwt(std::string_view token, const JwtConfig& config,
                             const JwksKeySet* keys, std::int64_t now);

// The key id ("kid") in the token's header, when the token has a readable header with one;
// nothing is verified. Used to notice tokens signed with a key we have not fetched yet.
std::optional<std::string> jwt_key_id(std::string_view token);

// Start-up check of the configuration: an HS256 secret shorter than 32 bytes can be
// brute-forced offline from any one token. Error code "jwt_secret_too_short".
Status check_jwt_config(const JwtConfig& config);

}  // namespace pitchreel
