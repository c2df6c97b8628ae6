#include "auth/api_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace pitchreel {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

[[noreturn]] void die_without_randomness() {
  std::fputs("pitchreel: the OpenSSL random generator failed; refusing to make an API key\n",
             stderr);
  std::abort();
}

}  // namespace

NewApiKey generate_api_key() {
  constexpr std::size_t kRandomChars = kApiKeyLength - kApiKeyTag.size();
  std::string key(kApiKeyTag);
  std::array<unsigned char, 64> pool{};
  std::size_t used = pool.size();
  while (key.size() < kApiKeyTag.size() + kRandomChars) {
    if (used == pool.size()) {
      if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) die_without_randomness();
      used = 0;
    }
    const unsigned char b = pool[used++];
    // Rejection sampling: 248 = 4 * 62, so accepted bytes map uniformly onto the alphabet.
    if (b < 248) key += kBase62[b % 62];
  }
  OPENSSL_cleanse(pool.data(), pool.size());
  NewApiKey out;
  out.prefix = key.substr(0, kApiKeyPrefixLength);
  out.hash = hash_api_key(key);
  out.key = std::move(key);
  return out;
}

std::string hash_api_key(std::string_view key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(key.data(), key.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    // SHA-256 cannot fail short of a broken library; an empty hash matches nothing.
    return {};
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

bool looks_like_api_key(std::string_view text) {
  if (text.size() != kApiKeyLength || !text.starts_with(kApiKeyTag)) return false;
  for (const char c : text.substr(kApiKeyTag.size())) {
    if (!is_base62(c)) return false;
  }
  return true;
}

bool api_key_matches(std::string_view key, std::string_view stored_hash) {
  const std::string actual = hash_api_key(key);
  if (actual.empty() || actual.size() != stored_hash.size()) return false;
  return CRYPTO_memcmp(actual.data(), stored_hash.data(), actual.size()) == 0;
}

}  // namespace pitchreel
