#include "auth/jwt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "auth/base64url.h"
#include "auth/jws_signature.h"

namespace pitchreel {
namespace {

using nlohmann::json;

// Supabase tokens are about 1 KiB; a cap keeps hostile input from costing much.
constexpr std::size_t kMaxTokenBytes = 16 * 1024;
constexpr std::int64_t kMaxLeewayS = 24 * 3600;

enum class Alg { kHs256, kRs256, kEs256 };

std::unexpected<Error> unauthorized(std::string message) {
  return fail(Error::invalid("unauthorized", std::move(message)));
}

struct Parts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // "header.payload", the bytes the signature covers
};

std::optional<Parts> split(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;  // JWE (five parts) and junk alike
  }
  return Parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
               token.substr(second + 1), token.substr(0, second)};
}

Result<json> decode_object(std::string_view segment, std::string_view what) {
  const auto raw = base64url_decode(segment);
  if (!raw || raw->empty()) {
    return unauthorized("The token is malformed: its " + std::string(what) + " is not base64url.");
  }
  json value = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return unauthorized("The token's " + std::string(what) + " is not a JSON object.");
  }
  return value;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
  });
}

Result<Alg> parse_alg(const json& header) {
  const auto it = header.find("alg");
  if (it == header.end() || !it->is_string()) return unauthorized("The token's header has no alg.");
  const auto& alg = it->get_ref<const std::string&>();
  if (iequals(alg, "none")) return unauthorized("Tokens signed with alg none are refused.");
  // Exact, case-sensitive names (RFC 7518): "hs256" is not HS256.
  if (alg == "HS256") return Alg::kHs256;
  if (alg == "RS256") return Alg::kRs256;
  if (alg == "ES256") return Alg::kEs256;
  return unauthorized("The token's signing algorithm is not accepted; use HS256, RS256 or ES256.");
}

Status verify_with_jwks(Alg alg, const json& header, const Parts& parts, std::string_view signature,
                        const JwksKeySet* keys) {
  const char* name = alg == Alg::kRs256 ? "RS256" : "ES256";
  if (keys == nullptr || keys->empty()) {
    return unauthorized(std::string(name) +
                        " tokens are not accepted here: no JWKS signing keys are configured.");
  }
  std::optional<std::string> kid;
  if (const auto it = header.find("kid"); it != header.end()) {
    if (!it->is_string()) return unauthorized("The token's key id (kid) is not a string.");
    kid = it->get<std::string>();
  }
  const JwkType wanted = alg == Alg::kRs256 ? JwkType::kRsa : JwkType::kEcP256;
  bool kid_seen = false;
  bool type_seen = false;
  for (const Jwk& jwk : keys->keys()) {
    if (kid && jwk.kid != *kid) continue;
    kid_seen = true;
    // The key's type, not the token, decides which check runs: an EC key never
    // verifies an RS256 token and vice versa.
    if (jwk.type != wanted) continue;
    type_seen = true;
    const bool ok = alg == Alg::kRs256
                        ? verify_rs256(jwk.key.get(), parts.signing_input, signature)
                        : verify_es256(jwk.key.get(), parts.signing_input, signature);
    if (ok) return {};
  }
  if (kid && !kid_seen) {
    return unauthorized(
        "No configured signing key matches the token's key id (kid); the keys may have rotated.");
  }
  if (!type_seen) {
    return unauthorized(std::string("The token's signing key cannot verify ") + name +
                        " signatures.");
  }
  return unauthorized("The token's signature is invalid.");
}

Status verify_signature(Alg alg, const json& header, const Parts& parts, std::string_view signature,
                        const JwtConfig& config, const JwksKeySet* keys) {
  if (alg != Alg::kHs256) return verify_with_jwks(alg, header, parts, signature, keys);
  // HS256 is checked with the configured secret and nothing else, never a JWKS key.
  if (config.hs256_secret.empty()) {
    return unauthorized("HS256 tokens are not accepted here: no JWT secret is configured.");
  }
  if (!verify_hs256(config.hs256_secret, parts.signing_input, signature)) {
    return unauthorized("The token's signature is invalid.");
  }
  return {};
}

// NumericDate (RFC 7519 §2): a JSON number of seconds, possibly fractional.
// nullopt: absent. Error: present but not a usable number.
Result<std::optional<std::int64_t>> numeric_date(const json& payload, const char* claim) {
  const auto it = payload.find(claim);
  if (it == payload.end()) return std::optional<std::int64_t>{};
  const auto bad = [&] {
    return unauthorized(std::string("The token's ") + claim + " claim is not a number of seconds.");
  };
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return bad();
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v));
  }
  if (it->is_number_integer()) return std::optional<std::int64_t>(it->get<std::int64_t>());
  if (it->is_number_float()) {
    const double v = std::floor(it->get<double>());
    if (!std::isfinite(v) || std::fabs(v) > 9.0e18) return bad();
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v));
  }
  return bad();
}

bool audience_matches(const json& payload, const std::string& audience) {
  const auto it = payload.find("aud");
  if (it == payload.end()) return false;
  if (it->is_string()) return *it == audience;
  if (it->is_array()) return std::find(it->begin(), it->end(), json(audience)) != it->end();
  return false;
}

std::string string_claim(const json& payload, const char* claim) {
  const auto it = payload.find(claim);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<JwtClaims> check_claims(json payload, const JwtConfig& config, std::int64_t now) {
  const std::int64_t leeway = std::clamp<std::int64_t>(config.leeway_s, 0, kMaxLeewayS);
  JwtClaims claims;
  auto exp = numeric_date(payload, "exp");
  if (!exp) return fail(exp.error());
  if (!*exp) return unauthorized("The token has no expiry (exp); sign in again.");
  claims.exp = **exp;
  if (now - leeway >= claims.exp) return unauthorized("The token has expired.");

  auto nbf = numeric_date(payload, "nbf");
  if (!nbf) return fail(nbf.error());
  claims.nbf = nbf->value_or(0);
  if (*nbf && now + leeway < claims.nbf) {
    return unauthorized("The token is not valid yet (nbf is in the future); check the clocks.");
  }
  auto iat = numeric_date(payload, "iat");
  if (!iat) return fail(iat.error());
  claims.iat = iat->value_or(0);

  if (!config.audience.empty() && !audience_matches(payload, config.audience)) {
    return unauthorized("The token is not meant for this service (its aud must include \"" +
                        config.audience + "\").");
  }
  if (!config.issuer.empty() && string_claim(payload, "iss") != config.issuer) {
    return unauthorized("The token was issued by another project (iss does not match).");
  }
  claims.sub = string_claim(payload, "sub");
  if (claims.sub.empty()) return unauthorized("The token has no subject (sub).");
  claims.role = string_claim(payload, "role");
  claims.email = string_claim(payload, "email");
  claims.all = std::move(payload);
  return claims;
}

}  // namespace

Result<JwtClaims> verify_jwt(std::string_view token, const JwtConfig& config,
                             const JwksKeySet* keys, std::int64_t now) {
  if (token.empty()) return unauthorized("The token is empty.");
  if (token.size() > kMaxTokenBytes) return unauthorized("The token is longer than 16 KiB.");
  const auto parts = split(token);
  if (!parts) return unauthorized("The token is not a JWT: expected three dot-separated parts.");

  auto header = decode_object(parts->header, "header");
  if (!header) return fail(header.error());
  auto alg = parse_alg(*header);
  if (!alg) return fail(alg.error());
  // No extension is understood, so RFC 7515 §4.1.11 requires refusing any "crit".
  if (header->contains("crit")) {
    return unauthorized("The token's header lists critical extensions (crit); none are supported.");
  }
  const auto signature = base64url_decode(parts->signature);
  if (!signature) return unauthorized("The token is malformed: its signature is not base64url.");
  if (!base64url_decode(parts->payload)) {
    return unauthorized("The token is malformed: its payload is not base64url.");
  }
  if (auto ok = verify_signature(*alg, *header, *parts, *signature, config, keys); !ok) {
    return fail(ok.error());
  }
  // Only now, with the signature good, is the payload worth parsing.
  auto payload = decode_object(parts->payload, "payload");
  if (!payload) return fail(payload.error());
  return check_claims(std::move(*payload), config, now);
}

Status check_jwt_config(const JwtConfig& config) {
  if (!config.hs256_secret.empty() && config.hs256_secret.size() < 32) {
    return fail(Error::invalid("jwt_secret_too_short",
                               "The JWT secret is shorter than 32 characters; use the project's "
                               "full SUPABASE_JWT_SECRET."));
  }
  return {};
}

std::optional<std::string> jwt_key_id(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const auto parts = split(token);
  if (!parts) return std::nullopt;
  auto header = decode_object(parts->header, "header");
  if (!header) return std::nullopt;
  const auto it = header->find("kid");
  if (it == header->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace pitchreel
