// JWT / JWS parsing (verify_jwt, jwt_key_id) and JWKS parsing (JwksKeySet::parse): the first
// byte picks what the rest is (even: a token, checked against an HS256 secret and a fixed
// JWKS of one RSA and one EC key; odd: a JWKS document). Beyond crashes: a random token is
// never accepted, every refusal is "unauthorized" with a message that does not quote the
// token, and a JWKS refusal is "jwks_invalid".
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/jwks.h"
#include "auth/jwt.h"

namespace {

// Public keys only (RFC 7517 appendix A.1 examples): what a Supabase project publishes.
constexpr std::string_view kJwks = R"({"keys":[
 {"kty":"EC","crv":"P-256","kid":"ec1","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},
 {"kty":"RSA","kid":"rsa1","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}]})";

const pitchreel::JwksKeySet& keys() {
  static const pitchreel::JwksKeySet set = [] {
    auto parsed = pitchreel::JwksKeySet::parse(kJwks);
    if (!parsed || parsed->keys().size() != 2) std::abort();
    return *parsed;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    const auto set = pitchreel::JwksKeySet::parse(text);
    if (!set) {
      if (set.error().code != "jwks_invalid" || set.error().message.empty()) std::abort();
      return 0;
    }
    for (const auto& key : set->keys()) {
      if (!key.key) std::abort();  // a parsed set holds only usable keys
    }
    return 0;
  }
  pitchreel::JwtConfig config;
  config.hs256_secret = "a-fuzzing-secret-of-at-least-32-bytes!";
  (void)pitchreel::jwt_key_id(text);
  const auto claims = pitchreel::verify_jwt(text, config, &keys(), 1'800'000'000);
  // Without the secret or a private key no input can carry a valid signature.
  if (claims) std::abort();
  const auto& error = claims.error();
  if (error.code != "unauthorized" || error.message.empty()) std::abort();
  // The message never quotes the token. Checked for token-shaped input (two dots, no
  // spaces): a short run of words could otherwise match the message's own text.
  const bool token_shaped = std::count(text.begin(), text.end(), '.') >= 2 &&
                            text.find_first_of(" \t\n") == std::string_view::npos;
  if (token_shaped && text.size() >= 16 && error.message.find(text) != std::string::npos) std::abort();
  return 0;
}
