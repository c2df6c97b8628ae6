#include "auth/authenticator.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <string>
#include <vector>

#include "auth/api_key.h"
#include "auth/base64url.h"

namespace pitchreel {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "authenticator-test-secret-0123456789abcdef";
const std::string kUserId = "5b8f1d0e-7a3c-4c2e-9f6b-1d2e3f4a5b6c";

std::string hs256_token(const json& payload, const std::string& secret = kSecret) {
  const std::string input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac,
            &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

json claims_for(const std::string& sub) {
  return {{"sub", sub}, {"aud", "authenticated"}, {"role", "authenticated"}, {"exp", kNow + 600}};
}

// An in-memory stand-in for the database, with the lookups recorded.
struct Fixture {
  std::map<std::string, Principal> keys_by_hash;
  std::map<std::string, Principal> profiles;
  std::vector<std::string> key_lookups;
  std::vector<std::string> profile_lookups;
  std::optional<Error> lookup_error;

  Authenticator make() {
    JwtConfig jwt;
    jwt.hs256_secret = kSecret;
    return Authenticator(
        jwt, nullptr,
        [this](const std::string& hash) -> Result<std::optional<Principal>> {
          key_lookups.push_back(hash);
          if (lookup_error) return fail(*lookup_error);
          const auto it = keys_by_hash.find(hash);
          return it == keys_by_hash.end() ? std::nullopt : std::optional(it->second);
        },
        [this](const std::string& user_id) -> Result<std::optional<Principal>> {
          profile_lookups.push_back(user_id);
          if (lookup_error) return fail(*lookup_error);
          const auto it = profiles.find(user_id);
          return it == profiles.end() ? std::nullopt : std::optional(it->second);
        },
        [] { return kNow; });
  }
};

void expect_unauthorized(const Result<Principal>& r, const std::string& message_part,
                         const std::string& secret_text = "") {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unauthorized");
  EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
  if (!secret_text.empty()) {
    EXPECT_EQ(r.error().message.find(secret_text), std::string::npos);
  }
}

TEST(Authenticator, ApiKeyIsLookedUpByItsHash) {
  Fixture f;
  const NewApiKey key = generate_api_key();
  f.keys_by_hash[key.hash] = Principal{"user-a", "org-1", Role::kAdmin};
  auto auth = f.make();
  auto p = auth.authenticate("Bearer " + key.key);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->user_id, "user-a");
  EXPECT_EQ(p->organization_id, "org-1");
  EXPECT_EQ(p->role, Role::kAdmin);
  ASSERT_EQ(f.key_lookups.size(), 1u);
  EXPECT_EQ(f.key_lookups[0], key.hash);  // the database never sees the key itself
  EXPECT_TRUE(f.profile_lookups.empty());
}

TEST(Authenticator, UnknownApiKeyIsUnauthorized) {
  Fixture f;
  auto auth = f.make();
  const NewApiKey key = generate_api_key();
  expect_unauthorized(auth.authenticate("Bearer " + key.key), "API key", key.key);
}

// A token with the key tag but the wrong shape is a wrong key, not a malformed JWT, and is
// refused without a database lookup.
TEST(Authenticator, MalformedApiKeyIsAnsweredAsAWrongKey) {
  Fixture f;
  auto auth = f.make();
  for (const std::string& token : std::vector<std::string>{"prk_wrong", "prk_", "prk_" + std::string(60, 'a')}) {
    auto r = auth.authenticate("Bearer " + token);
    expect_unauthorized(r, "The API key is unknown");
    EXPECT_EQ(r.error().message.find("JWT"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(f.key_lookups.empty());
}

TEST(Authenticator, JwtSubjectIsLookedUpAsAProfile) {
  Fixture f;
  f.profiles[kUserId] = Principal{kUserId, "org-2", Role::kOwner};
  auto auth = f.make();
  auto p = auth.authenticate("Bearer " + hs256_token(claims_for(kUserId)));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->user_id, kUserId);
  EXPECT_EQ(p->organization_id, "org-2");
  EXPECT_EQ(p->role, Role::kOwner);
  EXPECT_EQ(f.profile_lookups, std::vector<std::string>{kUserId});
  EXPECT_TRUE(f.key_lookups.empty());
  // The scheme is case-insensitive (RFC 7235) and surrounding spaces are tolerated.
  EXPECT_TRUE(auth.authenticate("  bearer   " + hs256_token(claims_for(kUserId)) + " "));
}

TEST(Authenticator, UnknownProfileIsUnauthorized) {
  Fixture f;
  auto auth = f.make();
  expect_unauthorized(auth.authenticate("Bearer " + hs256_token(claims_for("nobody"))),
                      "no pitchreel profile");
}

TEST(Authenticator, InvalidJwtNeverReachesTheDatabase) {
  Fixture f;
  f.profiles[kUserId] = Principal{kUserId, "org-2", Role::kOwner};
  auto auth = f.make();
  const auto forged = hs256_token(claims_for(kUserId), "another-secret-another-secret-1234");
  expect_unauthorized(auth.authenticate("Bearer " + forged), "signature", forged);
  expect_unauthorized(auth.authenticate("Bearer not-a-token"), "JWT");
  EXPECT_TRUE(f.profile_lookups.empty());
}

TEST(Authenticator, MissingOrNonBearerHeaderIsUnauthorized) {
  Fixture f;
  auto auth = f.make();
  auto missing = auth.authenticate("");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "unauthorized");
  EXPECT_EQ(missing.error().message, "Sign in: send Authorization: Bearer <API key or JWT>.");
  for (const char* header :
       {"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearerabc", "Bearer a b"}) {
    expect_unauthorized(auth.authenticate(header), "Bearer");
  }
}

TEST(Authenticator, LookupErrorsPassThrough) {
  Fixture f;
  f.lookup_error = Error::unavailable("database_unavailable", "The database is busy.");
  auto auth = f.make();
  auto by_key = auth.authenticate("Bearer " + generate_api_key().key);
  ASSERT_FALSE(by_key);
  EXPECT_EQ(by_key.error().code, "database_unavailable");
  auto by_jwt = auth.authenticate("Bearer " + hs256_token(claims_for(kUserId)));
  ASSERT_FALSE(by_jwt);
  EXPECT_EQ(by_jwt.error().kind, ErrorKind::kUnavailable);
}

TEST(Authenticator, Rs256RefusedUntilKeysAreSet) {
  Fixture f;
  auto auth = f.make();
  const std::string rs = base64url_encode(R"({"alg":"RS256"})") + "." +
                         base64url_encode(claims_for(kUserId).dump()) + "." +
                         base64url_encode(std::string(256, 'x'));
  expect_unauthorized(auth.authenticate("Bearer " + rs), "no JWKS");
  auth.set_jwks(std::make_shared<JwksKeySet>());
  expect_unauthorized(auth.authenticate("Bearer " + rs), "no JWKS");
}

TEST(RequireGenerate, OwnersAndAdminsOnly) {
  EXPECT_TRUE(require_generate(Principal{"u", "o", Role::kOwner}));
  EXPECT_TRUE(require_generate(Principal{"u", "o", Role::kAdmin}));
  auto member = require_generate(Principal{"u", "o", Role::kMember});
  ASSERT_FALSE(member);
  EXPECT_EQ(member.error().code, "forbidden");
  EXPECT_EQ(member.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(member.error().message,
            "Only owners and admins can generate or delete videos; your role is member.");
}

}  // namespace
}  // namespace pitchreel
