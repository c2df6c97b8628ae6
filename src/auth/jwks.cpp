#include "auth/jwks.h"

#include <openssl/core_names.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

#include "auth/base64url.h"
#include "auth/openssl_handles.h"

namespace pitchreel {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDocumentBytes = 1 << 20;
constexpr std::size_t kMaxKeys = 64;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;

std::optional<std::string> string_member(const json& obj, const char* name) {
  const auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> b64_member(const json& obj, const char* name) {
  const auto text = string_member(obj, name);
  if (!text) return std::nullopt;
  return base64url_decode(*text);
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::shared_ptr<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ossl::ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  return std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsa_key(const json& jwk) {
  const auto n = b64_member(jwk, "n");
  const auto e = b64_member(jwk, "e");
  if (!n || !e || n->empty() || e->empty() || e->size() > 8) return nullptr;
  // An even or tiny public exponent is never legitimate.
  if ((static_cast<unsigned char>(e->back()) & 1) == 0) return nullptr;
  ossl::BignumPtr bn_n(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
  ossl::BignumPtr bn_e(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || BN_is_one(bn_e.get())) return nullptr;
  if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  auto key = key_from_params("RSA", bld.get());
  if (!key) return nullptr;
  const int bits = EVP_PKEY_get_bits(key.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) return nullptr;
  return key;
}

std::shared_ptr<EVP_PKEY> ec_p256_key(const json& jwk) {
  const auto x = b64_member(jwk, "x");
  const auto y = b64_member(jwk, "y");
  // RFC 7518 §6.2.1.2: coordinates are the full 32 bytes for P-256.
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  const std::string point = std::string(1, '\x04') + *x + *y;  // uncompressed SEC1 point
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  auto key = key_from_params("EC", bld.get());
  if (!key) return nullptr;
  // Explicitly refuse points off the curve (invalid-curve keys), whatever import checked.
  ossl::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

bool usable_for_signatures(const json& jwk) {
  if (const auto use = jwk.find("use"); use != jwk.end() && *use != "sig") return false;
  if (const auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) return false;
    if (std::find(ops->begin(), ops->end(), json("verify")) == ops->end()) return false;
  }
  return true;
}

// The key, or nullopt when RFC 7517 §5 says to ignore it.
std::optional<Jwk> parse_key(const json& jwk) {
  if (!jwk.is_object() || !usable_for_signatures(jwk)) return std::nullopt;
  const auto kty = string_member(jwk, "kty");
  const auto alg = string_member(jwk, "alg");
  if (jwk.contains("alg") && !alg) return std::nullopt;
  if (jwk.contains("kid") && !jwk["kid"].is_string()) return std::nullopt;
  Jwk out;
  out.kid = string_member(jwk, "kid").value_or("");
  if (kty == "RSA") {
    if (alg && *alg != "RS256") return std::nullopt;
    out.type = JwkType::kRsa;
    out.key = rsa_key(jwk);
  } else if (kty == "EC") {
    if (alg && *alg != "ES256") return std::nullopt;
    if (string_member(jwk, "crv") != "P-256") return std::nullopt;
    out.type = JwkType::kEcP256;
    out.key = ec_p256_key(jwk);
  }
  if (!out.key) return std::nullopt;
  return out;
}

}  // namespace

Result<JwksKeySet> JwksKeySet::parse(std::string_view text) {
  if (text.size() > kMaxDocumentBytes) {
    return fail(Error::invalid("jwks_invalid", "The JWKS document is larger than 1 MiB."));
  }
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(Error::invalid("jwks_invalid", "The JWKS document is not a JSON object."));
  }
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return fail(Error::invalid("jwks_invalid", "The JWKS document has no \"keys\" array."));
  }
  if (keys->size() > kMaxKeys) {
    return fail(Error::invalid("jwks_invalid", "The JWKS document has more than 64 keys."));
  }
  JwksKeySet set;
  for (const auto& entry : *keys) {
    if (auto key = parse_key(entry)) {
      set.keys_.push_back(std::move(*key));
      continue;
    }
    ++set.ignored_;
    const auto kid = entry.is_object() ? string_member(entry, "kid") : std::nullopt;
    spdlog::warn("ignoring a JWKS key that cannot verify RS256 or ES256 tokens kid={}",
                 kid ? kid->substr(0, 64) : std::string("(none)"));
  }
  return set;
}

bool JwksKeySet::has_key_id(std::string_view kid) const {
  return std::ranges::any_of(keys_, [&](const Jwk& jwk) { return jwk.kid == kid; });
}

}  // namespace pitchreel
