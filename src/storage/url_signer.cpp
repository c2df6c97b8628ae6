#include "storage/url_signer.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

namespace pitchreel {
namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | data[i];
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 63u];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63u];  // no '=' padding: URL-safe
  return out;
}

}  // namespace

UrlSigner::UrlSigner(std::string secret) : secret_(std::move(secret)) {}

UrlSigner::~UrlSigner() {
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string UrlSigner::signature(std::string_view key, std::int64_t expires_at) const {
  // The newline cannot occur in a valid key, so no (key, expiry) pair can be shifted into
  // another that hashes the same message.
  const auto message = fmt::format("{}\n{}", key, expires_at);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &mac_size) == nullptr) {
    return {};  // never matches in verify(); sign() then yields a link that is refused
  }
  return base64url(mac.data(), mac_size);
}

std::string UrlSigner::sign(std::string_view key, std::int64_t expires_at) const {
  return fmt::format("expires={}&sig={}", expires_at, signature(key, expires_at));
}

bool UrlSigner::verify(std::string_view key, std::int64_t expires_at, std::string_view signature_in,
                       std::int64_t now) const {
  if (secret_.empty() || now >= expires_at) return false;
  const auto expected = signature(key, expires_at);
  // The length of a valid signature is public (43 characters), so only the bytes need
  // constant-time comparison.
  return !expected.empty() && expected.size() == signature_in.size() &&
         CRYPTO_memcmp(expected.data(), signature_in.data(), expected.size()) == 0;
}

Result<std::string> random_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return fail(Error::internal("random_unavailable",
                                "The system random number generator failed; try again."));
  }
  std::string hex;
  for (auto b : bytes) hex += fmt::format("{:02x}", b);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return hex;
}

}  // namespace pitchreel
