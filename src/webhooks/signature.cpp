#include "webhooks/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

#include <fmt/format.h>

#include "engines/base64.h"

namespace pitchreel::webhooks {

Result<std::string> new_secret() {
  std::array<std::uint8_t, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return fail(Error::internal("random_failed", "Could not draw random bytes for a secret."));
  }
  return std::string(kSecretPrefix) + base64_encode(key);
}

Result<std::string> sign(std::string_view secret, std::string_view message_id,
                         std::int64_t timestamp, std::string_view body) {
  const auto invalid = [] {
    return fail(Error::invalid("webhook_secret_invalid",
                               "A webhook secret must be whsec_ followed by base64."));
  };
  if (!secret.starts_with(kSecretPrefix)) return invalid();
  const auto key = base64_decode(secret.substr(kSecretPrefix.size()));
  if (!key || key->empty()) return invalid();
  const std::string signed_content = fmt::format("{}.{}.{}", message_id, timestamp, body);
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(),
           mac.data(), &mac_size) == nullptr) {
    return fail(Error::internal("hmac_failed", "Could not compute a webhook signature."));
  }
  return "v1," + base64_encode(std::span<const std::uint8_t>(mac.data(), mac_size));
}

Result<std::string> signature_header(std::string_view secret, std::string_view previous_secret,
                                     std::string_view message_id, std::int64_t timestamp,
                                     std::string_view body) {
  auto current = sign(secret, message_id, timestamp, body);
  if (!current) return current;
  if (previous_secret.empty()) return current;
  auto previous = sign(previous_secret, message_id, timestamp, body);
  if (!previous) return previous;
  return *current + " " + *previous;
}

}  // namespace pitchreel::webhooks
