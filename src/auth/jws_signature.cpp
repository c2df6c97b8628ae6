#include "auth/jws_signature.h"

#include <openssl/crypto.h>

#include <array>
#include <vector>

#include "auth/openssl_handles.h"

namespace pitchreel {
namespace {

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool digest_verify_sha256(EVP_PKEY* key, std::string_view signing_input, const unsigned char* sig,
                          std::size_t sig_len) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1) {
    return false;
  }
  // 1 is valid; 0 is a bad signature and negative an error: both refuse.
  return EVP_DigestVerify(ctx.get(), sig, sig_len, bytes(signing_input), signing_input.size()) == 1;
}

bool is_p256(EVP_PKEY* key) {
  std::array<char, 64> group{};
  std::size_t len = 0;
  return EVP_PKEY_is_a(key, "EC") == 1 &&
         EVP_PKEY_get_group_name(key, group.data(), group.size(), &len) == 1 &&
         std::string_view(group.data(), len) == "prime256v1";
}

}  // namespace

bool verify_hs256(std::string_view secret, std::string_view signing_input,
                  std::string_view signature) {
  if (secret.empty() || signature.size() != 32) return false;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                bytes(signing_input), signing_input.size(), mac.data(), mac.size(),
                &mac_len) == nullptr ||
      mac_len != 32) {
    return false;
  }
  // Constant time so the comparison does not reveal how many leading bytes matched.
  return CRYPTO_memcmp(mac.data(), signature.data(), 32) == 0;
}

bool verify_rs256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) return false;
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) return false;
  return digest_verify_sha256(key, signing_input, bytes(signature), signature.size());
}

bool verify_es256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  // ES256 is P-256 only; a key on another curve is refused rather than half-trusted.
  if (key == nullptr || !is_p256(key) || signature.size() != 64) return false;
  ossl::BignumPtr r(BN_bin2bn(bytes(signature), 32, nullptr));
  ossl::BignumPtr s(BN_bin2bn(bytes(signature) + 32, 32, nullptr));
  ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig) return false;
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
  (void)r.release();  // ECDSA_SIG_set0 took ownership
  (void)s.release();
  const int der_len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (der_len <= 0) return false;
  std::vector<unsigned char> der(static_cast<std::size_t>(der_len));
  unsigned char* out = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &out) != der_len) return false;
  return digest_verify_sha256(key, signing_input, der.data(), der.size());
}

}  // namespace pitchreel
