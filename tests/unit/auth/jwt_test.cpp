// JWT and JWKS verification against real OpenSSL keys. Tokens are made here by a small
// test-only signer (HS256 with HMAC, RS256 with EVP_DigestSign, ES256 as DER converted
// to JOSE R||S), independent of the verifier's code paths.
#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <functional>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "auth/base64url.h"
#include "auth/authenticator.h"
#include "auth/jwks.h"
#include "auth/jwks_refresher.h"
#include "auth/openssl_handles.h"

namespace pitchreel {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

// ---- test-only key generation and signing

ossl::PkeyPtr keygen(const char* type, const std::function<int(EVP_PKEY_CTX*)>& configure) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || configure(ctx.get()) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &key) != 1) {
    ADD_FAILURE() << "key generation failed";
  }
  return ossl::PkeyPtr(key);
}
ossl::PkeyPtr rsa_keygen(int bits = 2048) {
  return keygen("RSA",
                [bits](EVP_PKEY_CTX* c) { return EVP_PKEY_CTX_set_rsa_keygen_bits(c, bits); });
}
ossl::PkeyPtr ec_keygen(const char* curve = "P-256") {
  return keygen("EC", [curve](EVP_PKEY_CTX* c) { return EVP_PKEY_CTX_set_group_name(c, curve); });
}

std::string hs256(std::string_view secret, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac,
            &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EXPECT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()), 1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                           input.size()),
            1);
  sig.resize(len);
  return sig;
}

std::string rs256(EVP_PKEY* key, std::string_view input) { return digest_sign(key, input); }

std::string der_to_raw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(64, '\0');
  BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}
std::string es256(EVP_PKEY* key, std::string_view input) {
  return der_to_raw(digest_sign(key, input));
}

using Signer = std::function<std::string(std::string_view signing_input)>;

std::string make_token(const json& header, const json& payload, const Signer& sign) {
  const std::string input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return input + "." + base64url_encode(sign(input));
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &raw), 1);
  ossl::BignumPtr bn(raw);
  std::string out(pad ? static_cast<std::size_t>(pad) : BN_num_bytes(bn.get()), '\0');
  if (pad) {
    BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), pad);
  } else {
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  }
  return base64url_encode(out);
}

json rsa_jwk(EVP_PKEY* key, const std::string& kid) {
  json j = {{"kty", "RSA"},
            {"n", bn_param(key, OSSL_PKEY_PARAM_RSA_N)},
            {"e", bn_param(key, OSSL_PKEY_PARAM_RSA_E)},
            {"alg", "RS256"},
            {"use", "sig"}};
  if (!kid.empty()) j["kid"] = kid;
  return j;
}

json ec_jwk(EVP_PKEY* key, const std::string& kid, const char* crv = "P-256") {
  const int size = std::string_view(crv) == "P-384" ? 48 : 32;
  json j = {{"kty", "EC"},
            {"crv", crv},
            {"x", bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, size)},
            {"y", bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, size)}};
  if (!kid.empty()) j["kid"] = kid;
  return j;
}

std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, ossl::Deleter<BIO_free_all>> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

JwksKeySet jwks_of(const std::vector<json>& keys) {
  auto set = JwksKeySet::parse(json{{"keys", keys}}.dump());
  EXPECT_TRUE(set) << set.error().message;
  return set ? *set : JwksKeySet{};
}

// Keys are generated once: RSA generation is the slow part of this suite.
struct Keys {
  ossl::PkeyPtr rsa1 = rsa_keygen();
  ossl::PkeyPtr rsa2 = rsa_keygen();
  ossl::PkeyPtr ec1 = ec_keygen();
  ossl::PkeyPtr ec2 = ec_keygen();
};
const Keys& keys() {
  static const Keys k;
  return k;
}

json claims(std::int64_t exp = kNow + 3600) {
  return {{"sub", "8d0c6f5e-1c2b-4f1a-9a53-2f1f6d6e9b10"},
          {"aud", "authenticated"},
          {"role", "authenticated"},
          {"email", "ada@example.com"},
          {"iat", kNow - 60},
          {"exp", exp}};
}

json header(const char* alg, const char* kid = nullptr) {
  json h = {{"alg", alg}, {"typ", "JWT"}};
  if (kid) h["kid"] = kid;
  return h;
}

Signer hs_signer(std::string secret = kSecret) {
  return [secret](std::string_view in) { return hs256(secret, in); };
}
Signer rs_signer(EVP_PKEY* key) {
  return [key](std::string_view in) { return rs256(key, in); };
}
Signer es_signer(EVP_PKEY* key) {
  return [key](std::string_view in) { return es256(key, in); };
}

JwtConfig hs_config() {
  JwtConfig c;
  c.hs256_secret = kSecret;
  return c;
}

// A refusal, with the stable code and a message that leaks neither token nor secret.
void expect_refused(const Result<JwtClaims>& r, const std::string& token,
                    const std::string& message_part = "") {
  ASSERT_FALSE(r) << "token was accepted: " << token;
  EXPECT_EQ(r.error().code, "unauthorized");
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  if (token.size() >= 8) {  // shorter strings can occur in any sentence
    EXPECT_EQ(r.error().message.find(token), std::string::npos);
  }
  EXPECT_EQ(r.error().message.find(kSecret), std::string::npos);
  if (!message_part.empty()) {
    EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
  }
}

// ---- accepted tokens

TEST(Jwt, AcceptsHs256) {
  const auto token = make_token(header("HS256"), claims(), hs_signer());
  auto r = verify_jwt(token, hs_config(), nullptr, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->sub, "8d0c6f5e-1c2b-4f1a-9a53-2f1f6d6e9b10");
  EXPECT_EQ(r->role, "authenticated");
  EXPECT_EQ(r->email, "ada@example.com");
  EXPECT_EQ(r->exp, kNow + 3600);
  EXPECT_EQ(r->iat, kNow - 60);
  EXPECT_EQ(r->nbf, 0);
  EXPECT_EQ(r->all["aud"], "authenticated");
}

TEST(Jwt, AcceptsRs256) {
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1")});
  const auto token = make_token(header("RS256", "r1"), claims(), rs_signer(keys().rsa1.get()));
  auto r = verify_jwt(token, JwtConfig{}, &set, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->sub, "8d0c6f5e-1c2b-4f1a-9a53-2f1f6d6e9b10");
}

TEST(Jwt, AcceptsEs256) {
  const auto set = jwks_of({ec_jwk(keys().ec1.get(), "e1")});
  const auto token = make_token(header("ES256", "e1"), claims(), es_signer(keys().ec1.get()));
  auto r = verify_jwt(token, JwtConfig{}, &set, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->email, "ada@example.com");
}

TEST(Jwt, AcceptsBothKindsWhenBothAreConfigured) {
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1"), ec_jwk(keys().ec1.get(), "e1")});
  EXPECT_TRUE(
      verify_jwt(make_token(header("HS256"), claims(), hs_signer()), hs_config(), &set, kNow));
  EXPECT_TRUE(verify_jwt(make_token(header("RS256", "r1"), claims(), rs_signer(keys().rsa1.get())),
                         hs_config(), &set, kNow));
  EXPECT_TRUE(verify_jwt(make_token(header("ES256", "e1"), claims(), es_signer(keys().ec1.get())),
                         hs_config(), &set, kNow));
}

// ---- time, audience, subject

TEST(Jwt, ExpiryHonoursTheLeeway) {
  const auto config = hs_config();  // leeway 30 s
  const auto at = [&](std::int64_t exp) {
    return verify_jwt(make_token(header("HS256"), claims(exp), hs_signer()), config, nullptr, kNow);
  };
  EXPECT_TRUE(at(kNow + 1));
  EXPECT_TRUE(at(kNow - 10));  // expired 10 s ago, within the leeway
  EXPECT_TRUE(at(kNow - 29));
  const auto late = make_token(header("HS256"), claims(kNow - 30), hs_signer());
  expect_refused(verify_jwt(late, config, nullptr, kNow), late, "The token has expired.");
  const auto old = make_token(header("HS256"), claims(kNow - 3600), hs_signer());
  expect_refused(verify_jwt(old, config, nullptr, kNow), old, "expired");
}

TEST(Jwt, ExpiryWithoutLeeway) {
  auto config = hs_config();
  config.leeway_s = 0;
  const auto now_exp = make_token(header("HS256"), claims(kNow), hs_signer());
  expect_refused(verify_jwt(now_exp, config, nullptr, kNow), now_exp, "expired");
  const auto recent = make_token(header("HS256"), claims(kNow - 10), hs_signer());
  expect_refused(verify_jwt(recent, config, nullptr, kNow), recent, "expired");
  EXPECT_TRUE(verify_jwt(make_token(header("HS256"), claims(kNow + 1), hs_signer()), config,
                         nullptr, kNow));
}

TEST(Jwt, ExpIsRequiredAndMustBeANumber) {
  auto c = claims();
  c.erase("exp");
  const auto none = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(none, hs_config(), nullptr, kNow), none, "exp");
  c["exp"] = std::to_string(kNow + 3600);
  const auto text = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(text, hs_config(), nullptr, kNow), text, "exp");
  c["exp"] = static_cast<double>(kNow) + 100.5;  // NumericDate may be fractional
  EXPECT_TRUE(verify_jwt(make_token(header("HS256"), c, hs_signer()), hs_config(), nullptr, kNow));
}

TEST(Jwt, NotBeforeInTheFutureIsRefused) {
  auto c = claims();
  c["nbf"] = kNow + 300;
  const auto early = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(early, hs_config(), nullptr, kNow), early, "not valid yet");
  c["nbf"] = kNow + 20;  // within the leeway: clocks drift
  auto r = verify_jwt(make_token(header("HS256"), c, hs_signer()), hs_config(), nullptr, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->nbf, kNow + 20);
}

TEST(Jwt, AudienceMustMatch) {
  auto c = claims();
  c["aud"] = "anon";
  const auto wrong = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(wrong, hs_config(), nullptr, kNow), wrong, "aud");
  c["aud"] = json::array({"anon", "other"});
  const auto wrong_array = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(wrong_array, hs_config(), nullptr, kNow), wrong_array, "aud");
  c.erase("aud");
  const auto missing = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(missing, hs_config(), nullptr, kNow), missing, "aud");
  c["aud"] = json::array({"other", "authenticated"});
  EXPECT_TRUE(verify_jwt(make_token(header("HS256"), c, hs_signer()), hs_config(), nullptr, kNow));
}

TEST(Jwt, IssuerIsCheckedWhenConfigured) {
  auto config = hs_config();
  config.issuer = "https://abc.supabase.co/auth/v1";
  auto c = claims();
  const auto none = make_token(header("HS256"), c, hs_signer());
  expect_refused(verify_jwt(none, config, nullptr, kNow), none, "iss");
  c["iss"] = config.issuer;
  EXPECT_TRUE(verify_jwt(make_token(header("HS256"), c, hs_signer()), config, nullptr, kNow));
}

TEST(Jwt, SubjectIsRequired) {
  for (const json& sub : {json(), json(""), json(42)}) {
    auto c = claims();
    if (sub.is_null()) {
      c.erase("sub");
    } else {
      c["sub"] = sub;
    }
    const auto token = make_token(header("HS256"), c, hs_signer());
    expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token, "sub");
  }
}

// ---- broken tokens

std::string flip_signature_byte(const std::string& token) {
  const auto dot = token.rfind('.');
  auto sig = *base64url_decode(token.substr(dot + 1));
  sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
  return token.substr(0, dot + 1) + base64url_encode(sig);
}

TEST(Jwt, FlippedSignatureByteIsRefused) {
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1"), ec_jwk(keys().ec1.get(), "e1")});
  for (const auto& good :
       {make_token(header("HS256"), claims(), hs_signer()),
        make_token(header("RS256", "r1"), claims(), rs_signer(keys().rsa1.get())),
        make_token(header("ES256", "e1"), claims(), es_signer(keys().ec1.get()))}) {
    ASSERT_TRUE(verify_jwt(good, hs_config(), &set, kNow));
    const auto bad = flip_signature_byte(good);
    expect_refused(verify_jwt(bad, hs_config(), &set, kNow), bad,
                   "The token's signature is invalid.");
  }
}

TEST(Jwt, TamperedPayloadIsRefused) {
  const auto good = make_token(header("HS256"), claims(), hs_signer());
  auto c = claims();
  c["sub"] = "someone-else";
  const auto parts_end = good.rfind('.');
  const auto forged = base64url_encode(header("HS256").dump()) + "." + base64url_encode(c.dump()) +
                      good.substr(parts_end);
  expect_refused(verify_jwt(forged, hs_config(), nullptr, kNow), forged, "signature");
}

TEST(Jwt, MalformedBase64IsRefused) {
  const auto good = make_token(header("HS256"), claims(), hs_signer());
  const auto first = good.find('.');
  const auto second = good.find('.', first + 1);
  const std::vector<std::string> bad = {
      good + "=",                                                  // padding on the signature
      good.substr(0, first) + "=" + good.substr(first),            // padding on the header
      "%" + good.substr(1),                                        // junk character
      good.substr(0, second + 1) + "+" + good.substr(second + 2),  // base64, not base64url
      good.substr(0, first) + " " + good.substr(first),            // whitespace
      good.substr(0, second) + "A" + good.substr(second),          // impossible length
  };
  for (const auto& token : bad) {
    expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token);
  }
  // Header that decodes but is not JSON.
  const auto not_json = base64url_encode("{alg:HS256") + good.substr(first);
  expect_refused(verify_jwt(not_json, hs_config(), nullptr, kNow), not_json, "header");
}

TEST(Jwt, WrongNumberOfSegmentsIsRefused) {
  const auto good = make_token(header("HS256"), claims(), hs_signer());
  const auto last = good.rfind('.');
  for (const auto& token :
       {std::string(), std::string("abc"), good.substr(0, last), good + ".", good + ".e30",
        good + ".e30.e30", std::string(".."), std::string("...."), good.substr(0, last) + ".."}) {
    expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token);
  }
}

TEST(Jwt, AlgNoneIsRefusedInAnySpelling) {
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1")});
  for (const char* alg : {"none", "NONE", "None", "nOnE"}) {
    const auto token = base64url_encode(header(alg).dump()) + "." +
                       base64url_encode(claims().dump()) + ".";  // empty signature
    expect_refused(verify_jwt(token, hs_config(), &set, kNow), token,
                   "Tokens signed with alg none are refused.");
  }
}

TEST(Jwt, UnsupportedAlgorithmsAreRefused) {
  for (const char* alg : {"HS512", "hs256", "RS512", "PS256", "ES384", "EdDSA", ""}) {
    const auto token = make_token(header(alg), claims(), hs_signer());
    expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token, "not accepted");
  }
  auto h = header("HS256");
  h.erase("alg");
  const auto missing = make_token(h, claims(), hs_signer());
  expect_refused(verify_jwt(missing, hs_config(), nullptr, kNow), missing, "alg");
}

TEST(Jwt, CriticalHeaderExtensionsAreRefused) {
  auto h = header("HS256");
  h["crit"] = json::array({"b64"});
  h["b64"] = false;
  const auto token = make_token(h, claims(), hs_signer());
  expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token, "crit");
}

// ---- algorithm confusion and key selection

TEST(Jwt, Hs256SignedWithThePublicKeyIsRefused) {
  // The classic attack: HMAC keyed with the RSA public key PEM, which anyone can fetch.
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1")});
  const std::string pem = public_pem(keys().rsa1.get());
  ASSERT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  for (const char* kid : {static_cast<const char*>(nullptr), "r1"}) {
    const auto token = make_token(header("HS256", kid), claims(), hs_signer(pem));
    expect_refused(verify_jwt(token, JwtConfig{}, &set, kNow), token, "no JWT secret");
    // Even with a secret configured, the public key never stands in for it.
    expect_refused(verify_jwt(token, hs_config(), &set, kNow), token, "signature is invalid");
  }
}

TEST(Jwt, Rs256IsRefusedWhenOnlyTheSecretIsConfigured) {
  const auto token = make_token(header("RS256"), claims(), rs_signer(keys().rsa1.get()));
  expect_refused(verify_jwt(token, hs_config(), nullptr, kNow), token, "no JWKS");
  const JwksKeySet empty;
  expect_refused(verify_jwt(token, hs_config(), &empty, kNow), token, "no JWKS");
  // An RS256 header over an HMAC made with the configured secret is no better.
  const auto forged = make_token(header("RS256"), claims(), hs_signer());
  expect_refused(verify_jwt(forged, hs_config(), nullptr, kNow), forged);
}

TEST(Jwt, KidSelectsAmongSeveralKeys) {
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "k1"), rsa_jwk(keys().rsa2.get(), "k2")});
  const auto by_k2 = make_token(header("RS256", "k2"), claims(), rs_signer(keys().rsa2.get()));
  EXPECT_TRUE(verify_jwt(by_k2, JwtConfig{}, &set, kNow));
  // Signed by key 2 but naming key 1: only key 1 is tried.
  const auto lying = make_token(header("RS256", "k1"), claims(), rs_signer(keys().rsa2.get()));
  expect_refused(verify_jwt(lying, JwtConfig{}, &set, kNow), lying, "signature is invalid");
  const auto unknown = make_token(header("RS256", "k3"), claims(), rs_signer(keys().rsa2.get()));
  expect_refused(verify_jwt(unknown, JwtConfig{}, &set, kNow), unknown, "kid");
  // Without a kid, every RSA key is tried.
  const auto no_kid = make_token(header("RS256"), claims(), rs_signer(keys().rsa2.get()));
  EXPECT_TRUE(verify_jwt(no_kid, JwtConfig{}, &set, kNow));
  const auto kid_not_string =
      make_token(json{{"alg", "RS256"}, {"kid", 7}}, claims(), rs_signer(keys().rsa2.get()));
  expect_refused(verify_jwt(kid_not_string, JwtConfig{}, &set, kNow), kid_not_string, "kid");
}

TEST(Jwt, KidSelectsAmongSeveralEcKeys) {
  const auto set = jwks_of({ec_jwk(keys().ec1.get(), "e1"), ec_jwk(keys().ec2.get(), "e2")});
  EXPECT_TRUE(verify_jwt(make_token(header("ES256", "e2"), claims(), es_signer(keys().ec2.get())),
                         JwtConfig{}, &set, kNow));
  const auto lying = make_token(header("ES256", "e1"), claims(), es_signer(keys().ec2.get()));
  expect_refused(verify_jwt(lying, JwtConfig{}, &set, kNow), lying, "signature is invalid");
}

TEST(Jwt, KeyTypeMustMatchTheAlgorithm) {
  const auto ec_only = jwks_of({ec_jwk(keys().ec1.get(), "e1")});
  const auto rs = make_token(header("RS256", "e1"), claims(), rs_signer(keys().rsa1.get()));
  expect_refused(verify_jwt(rs, JwtConfig{}, &ec_only, kNow), rs, "cannot verify RS256");
  const auto rs_no_kid = make_token(header("RS256"), claims(), rs_signer(keys().rsa1.get()));
  expect_refused(verify_jwt(rs_no_kid, JwtConfig{}, &ec_only, kNow), rs_no_kid, "RS256");

  const auto rsa_only = jwks_of({rsa_jwk(keys().rsa1.get(), "r1")});
  const auto es = make_token(header("ES256", "r1"), claims(), es_signer(keys().ec1.get()));
  expect_refused(verify_jwt(es, JwtConfig{}, &rsa_only, kNow), es, "cannot verify ES256");
}

TEST(Jwt, HeaderSuppliedKeysAreIgnored) {
  // An attacker embeds their own public key (jwk / jku) and signs with it.
  const auto set = jwks_of({rsa_jwk(keys().rsa1.get(), "r1")});
  auto h = header("RS256", "r1");
  h["jwk"] = rsa_jwk(keys().rsa2.get(), "r1");
  h["jku"] = "https://attacker.example/jwks.json";
  const auto token = make_token(h, claims(), rs_signer(keys().rsa2.get()));
  expect_refused(verify_jwt(token, JwtConfig{}, &set, kNow), token, "signature is invalid");
}

TEST(Jwt, Es256SignatureMustBeRawNotDer) {
  const auto set = jwks_of({ec_jwk(keys().ec1.get(), "e1")});
  const auto der = make_token(header("ES256", "e1"), claims(), [](std::string_view in) {
    return digest_sign(keys().ec1.get(), in);
  });
  expect_refused(verify_jwt(der, JwtConfig{}, &set, kNow), der, "signature is invalid");
}

TEST(Jwt, ConfigCheckWantsALongSecret) {
  EXPECT_TRUE(check_jwt_config(hs_config()));
  EXPECT_TRUE(check_jwt_config(JwtConfig{}));
  JwtConfig weak;
  weak.hs256_secret = "xyzzy-secret";
  auto s = check_jwt_config(weak);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "jwt_secret_too_short");
  EXPECT_EQ(s.error().message.find("xyzzy"), std::string::npos);
}

// ---- interoperability: the published RFC 7515 examples (A.1 HS256, A.3 ES256)

constexpr std::string_view kRfcPayload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";
constexpr std::int64_t kRfcNow = 1300819000;  // before the examples' exp

// The examples carry no sub: a "sub" refusal proves the signature and exp passed.
void expect_signature_passed(const Result<JwtClaims>& r) {
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("(sub)"), std::string::npos) << r.error().message;
}

TEST(JwtInterop, Rfc7515Hs256Example) {
  JwtConfig config;
  config.audience.clear();
  config.hs256_secret = *base64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  const std::string token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + std::string(kRfcPayload) +
                            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  expect_signature_passed(verify_jwt(token, config, nullptr, kRfcNow));
  expect_refused(verify_jwt(flip_signature_byte(token), config, nullptr, kRfcNow), token,
                 "signature is invalid");
}

TEST(JwtInterop, Rfc7515Es256Example) {
  const auto set = jwks_of({json{{"kty", "EC"},
                                 {"crv", "P-256"},
                                 {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                                 {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}}});
  JwtConfig config;
  config.audience.clear();
  const std::string token =
      "eyJhbGciOiJFUzI1NiJ9." + std::string(kRfcPayload) +
      ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  expect_signature_passed(verify_jwt(token, config, &set, kRfcNow));
  expect_refused(verify_jwt(flip_signature_byte(token), config, &set, kRfcNow), token,
                 "signature is invalid");
  expect_refused(verify_jwt(token, config, &set, 1300819380 + 31), token, "expired");
}

// ---- JWKS parsing

TEST(Jwks, ParsesRsaAndEcKeys) {
  auto set = JwksKeySet::parse(
      json{{"keys", {rsa_jwk(keys().rsa1.get(), "r1"), ec_jwk(keys().ec1.get(), "")}}}.dump());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->keys().size(), 2u);
  EXPECT_EQ(set->keys()[0].kid, "r1");
  EXPECT_EQ(set->keys()[0].type, JwkType::kRsa);
  EXPECT_EQ(set->keys()[1].kid, "");
  EXPECT_EQ(set->keys()[1].type, JwkType::kEcP256);
  EXPECT_EQ(set->ignored(), 0u);
}

TEST(Jwks, IgnoresKeysItCannotUse) {
  auto weak_rsa = rsa_keygen(1024);
  auto p384 = ec_keygen("P-384");
  auto off_curve = ec_jwk(keys().ec1.get(), "bad-point");
  auto y = *base64url_decode(off_curve["y"].get<std::string>());
  y[31] = static_cast<char>(y[31] ^ 0x01);
  off_curve["y"] = base64url_encode(y);
  auto padded = rsa_jwk(keys().rsa1.get(), "padded");
  padded["n"] = padded["n"].get<std::string>() + "=";
  auto enc = rsa_jwk(keys().rsa1.get(), "enc");
  enc["use"] = "enc";
  auto wrong_alg = rsa_jwk(keys().rsa1.get(), "ps");
  wrong_alg["alg"] = "PS256";
  auto no_verify = ec_jwk(keys().ec1.get(), "ops");
  no_verify["key_ops"] = json::array({"encrypt"});
  auto even_e = rsa_jwk(keys().rsa1.get(), "even-e");
  even_e["e"] = base64url_encode(std::string("\x01\x00\x00", 3));

  const std::vector<json> ignored = {
      json{{"kty", "oct"}, {"k", base64url_encode(kSecret)}, {"kid", "hmac"}},
      json{
          {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
      rsa_jwk(weak_rsa.get(), "rsa1024"),
      ec_jwk(p384.get(), "p384", "P-384"),
      off_curve,
      padded,
      enc,
      wrong_alg,
      no_verify,
      even_e,
      json("not an object"),
      json{{"kty", "RSA"}, {"kid", "no-n"}, {"e", "AQAB"}},
  };
  std::vector<json> all = ignored;
  all.push_back(rsa_jwk(keys().rsa1.get(), "good"));
  auto set = JwksKeySet::parse(json{{"keys", all}}.dump());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->keys()[0].kid, "good");
  EXPECT_EQ(set->ignored(), ignored.size());

  // The oct key's secret never becomes an HS256 key through the JWKS.
  const auto token = make_token(header("HS256", "hmac"), claims(), hs_signer());
  expect_refused(verify_jwt(token, JwtConfig{}, &*set, kNow), token);
}

TEST(Jwks, EmptyKeysArrayIsAnEmptySet) {
  auto set = JwksKeySet::parse(R"({"keys":[]})");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(set->empty());
}

TEST(Jwks, RefusesDocumentsThatAreNotKeySets) {
  for (const char* doc : {"", "[]", "{", "{\"keys\":{}}", "{\"key\":[]}", "null", "\"keys\""}) {
    auto set = JwksKeySet::parse(doc);
    ASSERT_FALSE(set) << doc;
    EXPECT_EQ(set.error().code, "jwks_invalid");
  }
}

// ---- key rotation: JWKS_URL's set is fetched again, and at once for an unknown kid

// A provider's JWKS endpoint as the refresher sees it: the current document, how often it
// was fetched, and whether it is reachable.
struct FakeProvider {
  std::mutex mutex;
  std::string document;
  int fetches = 0;
  bool down = false;

  JwksRefresher::Fetch fetcher() {
    return [this]() -> Result<std::string> {
      std::lock_guard lock(mutex);
      ++fetches;
      if (down) return fail(Error::unavailable("fetch_failed", "connection refused"));
      return document;
    };
  }
  void publish(const std::vector<json>& keys) {
    std::lock_guard lock(mutex);
    document = json{{"keys", keys}}.dump();
  }
  int count() {
    std::lock_guard lock(mutex);
    return fetches;
  }
};

Authenticator jwt_authenticator() {
  JwtConfig config;
  return Authenticator(
      config, nullptr, nullptr,
      [](const std::string& sub) -> Result<std::optional<Principal>> {
        return std::optional(Principal{sub, "org-1", Role::kAdmin});
      },
      [] { return kNow; });
}

TEST(JwksRotation, ATokenSignedWithANewlyPublishedKeyIsAcceptedWithoutARestart) {
  FakeProvider provider;
  provider.publish({rsa_jwk(keys().rsa1.get(), "old")});
  Authenticator auth = jwt_authenticator();
  JwksRefresher refresher(
      provider.fetcher(), [&](std::shared_ptr<const JwksKeySet> k) { auth.set_jwks(std::move(k)); },
      std::chrono::hours(1), std::chrono::milliseconds(0));
  ASSERT_TRUE(refresher.refresh());
  auth.set_unknown_key_hook([&] { return refresher.keys_for_unknown_kid(); });

  const auto old_token = make_token(header("RS256", "old"), claims(), rs_signer(keys().rsa1.get()));
  const auto new_token = make_token(header("RS256", "new"), claims(), rs_signer(keys().rsa2.get()));
  EXPECT_TRUE(auth.authenticate("Bearer " + old_token));
  EXPECT_EQ(provider.count(), 1);  // a known kid costs no fetch

  provider.publish({rsa_jwk(keys().rsa1.get(), "old"), rsa_jwk(keys().rsa2.get(), "new")});
  auto rotated = auth.authenticate("Bearer " + new_token);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(provider.count(), 2);

  // A forged kid fetches (it might be new) but is still refused.
  const auto forged = make_token(header("RS256", "nobody"), claims(), rs_signer(keys().rsa2.get()));
  EXPECT_FALSE(auth.authenticate("Bearer " + forged));
}

TEST(JwksRotation, UnknownKeyIdsCannotMakeTheServerHammerTheProvider) {
  FakeProvider provider;
  provider.publish({rsa_jwk(keys().rsa1.get(), "old")});
  Authenticator auth = jwt_authenticator();
  JwksRefresher refresher(
      provider.fetcher(), [&](std::shared_ptr<const JwksKeySet> k) { auth.set_jwks(std::move(k)); },
      std::chrono::hours(1), std::chrono::hours(1));
  ASSERT_TRUE(refresher.refresh());
  auth.set_unknown_key_hook([&] { return refresher.keys_for_unknown_kid(); });
  for (int i = 0; i < 20; ++i) {
    const auto kid = "forged-" + std::to_string(i);
    const auto t = make_token(header("RS256", kid.c_str()), claims(), rs_signer(keys().rsa2.get()));
    EXPECT_FALSE(auth.authenticate("Bearer " + t));
  }
  EXPECT_EQ(provider.count(), 1);  // inside min_interval: no fetch at all
}

TEST(JwksRotation, PeriodicRefreshPicksUpNewKeysAndSurvivesAnOutage) {
  FakeProvider provider;
  provider.publish({rsa_jwk(keys().rsa1.get(), "old")});
  Authenticator auth = jwt_authenticator();
  JwksRefresher refresher(
      provider.fetcher(), [&](std::shared_ptr<const JwksKeySet> k) { auth.set_jwks(std::move(k)); },
      std::chrono::milliseconds(20), std::chrono::hours(1));
  ASSERT_TRUE(refresher.refresh());
  const auto old_token = make_token(header("RS256", "old"), claims(), rs_signer(keys().rsa1.get()));
  const auto new_token = make_token(header("RS256", "new"), claims(), rs_signer(keys().rsa2.get()));

  {
    std::lock_guard lock(provider.mutex);
    provider.down = true;  // the provider is down: the keys we have keep working
  }
  refresher.start();
  const int before = provider.count();
  while (provider.count() < before + 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(auth.authenticate("Bearer " + old_token));

  provider.publish({rsa_jwk(keys().rsa2.get(), "new")});  // the old key is retired
  {
    std::lock_guard lock(provider.mutex);
    provider.down = false;
  }
  Result<Principal> accepted = fail(Error::invalid("pending", ""));
  for (int i = 0; i < 400 && !accepted; ++i) {  // the next tick (20 ms) fetches the new set
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    accepted = auth.authenticate("Bearer " + new_token);
  }
  EXPECT_TRUE(accepted) << accepted.error().message;
  EXPECT_FALSE(auth.authenticate("Bearer " + old_token));
}

}  // namespace
}  // namespace pitchreel
