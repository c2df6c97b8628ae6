// API keys: long random bearer secrets for scripts and servers. Only the SHA-256 of a
// key is stored; the key itself is shown once, when made. A plain hash (no salt, no
// slow KDF) is right here because the key carries >= 200 bits of entropy: there is no
// dictionary to attack, and a deterministic hash lets the database look a key up by it.
#pragma once

#include <string>
#include <string_view>

namespace pitchreel {

struct NewApiKey {
  std::string key;     // "prk_" + 40 base62 characters (~238 bits); show once, never store
  std::string prefix;  // first 12 characters; safe to store and show to tell keys apart
  std::string hash;    // lowercase hex SHA-256 of `key`; what the database keeps
};

inline constexpr std::string_view kApiKeyTag = "prk_";
inline constexpr std::size_t kApiKeyLength = 44;  // tag + 40
inline constexpr std::size_t kApiKeyPrefixLength = 12;

// Draws from OpenSSL's CSPRNG. If the CSPRNG fails the process aborts: there is no
// safe way to go on handing out credentials without randomness.
NewApiKey generate_api_key();

// Lowercase hex SHA-256 of `key`, exactly as generate_api_key computes `hash`.
std::string hash_api_key(std::string_view key);

// True for strings of the shape generate_api_key produces. Cheap and not secret: it
// only routes a bearer token to the API-key path instead of the JWT path.
bool looks_like_api_key(std::string_view text);

// Constant-time check of `key` against a stored hex hash, for callers that hold the
// stored hash rather than looking the key up by it.
bool api_key_matches(std::string_view key, std::string_view stored_hash);

}  // namespace pitchreel
