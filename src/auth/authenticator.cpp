#include "auth/authenticator.h"

#include <chrono>
#include <utility>

#include "auth/api_key.h"

namespace pitchreel {
namespace {

constexpr std::string_view kSignIn = "Sign in: send Authorization: Bearer <API key or JWT>.";

std::unexpected<Error> unauthorized(std::string message) {
  return fail(Error::invalid("unauthorized", std::move(message)));
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The token after "Bearer " (RFC 6750 §2.1; the scheme is case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !is_space(header[kScheme.size()])) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != kScheme[i]) return std::nullopt;
  }
  const std::string_view token = trim(header.substr(kScheme.size()));
  for (const char c : token) {
    if (is_space(c) || static_cast<unsigned char>(c) < 0x21 || c == 0x7F) return std::nullopt;
  }
  if (token.empty()) return std::nullopt;
  return token;
}

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Authenticator::Authenticator(JwtConfig jwt, std::shared_ptr<const JwksKeySet> jwks,
                             ApiKeyLookup api_keys, ProfileLookup profiles, Clock clock)
    : jwt_(std::move(jwt)),
      api_keys_(std::move(api_keys)),
      profiles_(std::move(profiles)),
      clock_(clock ? std::move(clock) : Clock(system_now)),
      jwks_(std::move(jwks)) {}

void Authenticator::set_jwks(std::shared_ptr<const JwksKeySet> jwks) {
  std::lock_guard lock(jwks_mutex_);
  jwks_ = std::move(jwks);
}

Result<Principal> Authenticator::authenticate(std::string_view authorization) const {
  authorization = trim(authorization);
  if (authorization.empty()) return unauthorized(std::string(kSignIn));
  const auto token = bearer_token(authorization);
  if (!token) {
    return unauthorized("The Authorization header is not a bearer token. " + std::string(kSignIn));
  }
  // Anything with the key tag is answered as a key, a malformed one as an unknown key
  // ("prk_wrong" is a wrong key, not a broken JWT).
  if (token->starts_with(kApiKeyTag)) {
    if (!looks_like_api_key(*token)) {
      return unauthorized("The API key is unknown or has been revoked; create a new one.");
    }
    return from_api_key(*token);
  }
  return from_jwt(*token);
}

Result<Principal> Authenticator::from_api_key(std::string_view key) const {
  if (!api_keys_) return unauthorized("API keys are not accepted by this server.");
  auto found = api_keys_(hash_api_key(key));
  if (!found) return fail(std::move(found.error()));
  if (!*found || (*found)->user_id.empty()) {
    return unauthorized("The API key is unknown or has been revoked; create a new one.");
  }
  return std::move(**found);
}

void Authenticator::set_unknown_key_hook(UnknownKeyHook hook) {
  std::lock_guard lock(jwks_mutex_);
  unknown_key_ = std::move(hook);
}

Result<Principal> Authenticator::from_jwt(std::string_view token) const {
  std::shared_ptr<const JwksKeySet> jwks;
  UnknownKeyHook unknown_key;
  {
    std::lock_guard lock(jwks_mutex_);
    jwks = jwks_;
    unknown_key = unknown_key_;
  }
  auto claims = verify_jwt(token, jwt_, jwks.get(), clock_());
  if (!claims && unknown_key) {
    // A key published after our last fetch (rotation): fetch the set and try once more.
    const auto kid = jwt_key_id(token);
    if (kid && (!jwks || !jwks->has_key_id(*kid))) {
      if (auto fresh = unknown_key(); fresh && fresh->has_key_id(*kid)) {
        claims = verify_jwt(token, jwt_, fresh.get(), clock_());
      }
    }
  }
  if (!claims) return fail(std::move(claims.error()));
  if (!profiles_) return unauthorized("Signing in with a JWT is not enabled on this server.");
  auto found = profiles_(claims->sub);
  if (!found) return fail(std::move(found.error()));
  if (!*found) {
    return unauthorized(
        "Your account has no pitchreel profile; ask an owner of your organization to add you.");
  }
  return std::move(**found);
}

Status require_generate(const Principal& principal) {
  if (can_generate(principal.role)) return {};
  return fail(Error::invalid("forbidden",
                             "Only owners and admins can generate or delete videos; your role is " +
                                 std::string(to_string(principal.role)) + "."));
}

}  // namespace pitchreel
