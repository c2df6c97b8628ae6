// The three JWS signature checks pitchreel accepts (RFC 7518 §3.2-3.4). Each answers
// only "does this signature verify"; choosing the algorithm and the key is the caller's
// job (jwt.cpp), so that no token can pick its own verification method.
// Thread safety: safe to call concurrently, including on the same EVP_PKEY.
#pragma once

#include <openssl/types.h>

#include <string_view>

namespace pitchreel {

// HMAC-SHA256 with `secret` (its bytes as given, as Supabase uses SUPABASE_JWT_SECRET),
// compared in constant time. False for an empty secret.
bool verify_hs256(std::string_view secret, std::string_view signing_input,
                  std::string_view signature);

// RSASSA-PKCS1-v1_5 with SHA-256. False unless `key` is an RSA key.
bool verify_rs256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature);

// ECDSA P-256 with SHA-256. `signature` is the JOSE form, R || S as two 32-byte
// big-endian integers (not DER); it is converted to DER for OpenSSL. False unless `key`
// is an EC key.
bool verify_es256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature);

}  // namespace pitchreel
