#include "storage/sigv4.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace pitchreel {
namespace {

using Digest = std::array<unsigned char, 32>;

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15u];
  }
  return out;
}

Digest hmac(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return out;
}

std::string_view view(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as the canonical header value wants.
std::string canonical_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines
  std::string signed_names;  // "host;range;x-amz-date"
};

CanonicalHeaders canonical_headers(const SigV4Request& request, const SigV4Pairs& extra) {
  SigV4Pairs all;
  all.emplace_back("host", canonical_value(request.host));
  auto add = [&](const SigV4Pairs& from) {
    for (const auto& [name, value] : from) {
      auto n = lower(name);
      if (n == "host") continue;
      all.emplace_back(std::move(n), canonical_value(value));
    }
  };
  add(request.headers);
  add(extra);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    // Repeated names are joined with commas into one line.
    if (i > 0 && all[i].first == all[i - 1].first) {
      out.block.pop_back();
      out.block += "," + all[i].second + "\n";
      continue;
    }
    out.block += all[i].first + ":" + all[i].second + "\n";
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += all[i].first;
  }
  return out;
}

std::string scope(const SigV4Credentials& c, std::string_view date) {
  return fmt::format("{}/{}/{}/aws4_request", date, c.region, c.service);
}

// HMAC chain of the specification: kSecret -> kDate -> kRegion -> kService -> kSigning.
std::string signature(const SigV4Credentials& c, std::string_view timestamp,
                      std::string_view canonical_request) {
  const auto date = timestamp.substr(0, 8);
  const std::string string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", timestamp,
                                                 scope(c, date), sha256_hex(canonical_request));
  std::string secret = "AWS4" + c.secret_access_key;
  auto key = hmac(secret, date);
  OPENSSL_cleanse(secret.data(), secret.size());
  key = hmac(view(key), c.region);
  key = hmac(view(key), c.service);
  key = hmac(view(key), "aws4_request");
  const auto sig = hmac(view(key), string_to_sign);
  OPENSSL_cleanse(key.data(), key.size());
  return to_hex(sig.data(), sig.size());
}

std::string canonical_request(const SigV4Request& request, const SigV4Pairs& query,
                              const CanonicalHeaders& headers, std::string_view payload_hash) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method,
                     sigv4_uri_encode(request.path.empty() ? "/" : request.path, true),
                     sigv4_canonical_query(query), headers.block, headers.signed_names,
                     payload_hash);
}

}  // namespace

std::string sigv4_uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string sigv4_canonical_query(const SigV4Pairs& query) {
  SigV4Pairs encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(sigv4_uri_encode(name, false), sigv4_uri_encode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string sigv4_timestamp(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string sha256_hex(std::string_view data) {
  Digest d{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &length, EVP_sha256(), nullptr);
  return to_hex(d.data(), d.size());
}

SigV4Pairs sigv4_sign_headers(const SigV4Request& request, const SigV4Credentials& credentials,
                              std::string_view payload_hash, std::int64_t now) {
  const std::string timestamp = sigv4_timestamp(now);
  SigV4Request clean = request;
  std::erase_if(clean.headers, [](const auto& h) {
    const auto n = lower(h.first);
    return n == "x-amz-date" || n == "x-amz-content-sha256" || n == "authorization";
  });
  SigV4Pairs added = {{"x-amz-date", timestamp},
                      {"x-amz-content-sha256", std::string(payload_hash)}};
  const auto headers = canonical_headers(clean, added);
  const auto sig = signature(credentials, timestamp,
                             canonical_request(clean, clean.query, headers, payload_hash));
  added.emplace_back(
      "Authorization",
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                  credentials.access_key_id,
                  scope(credentials, std::string_view(timestamp).substr(0, 8)),
                  headers.signed_names, sig));
  return added;
}

std::string sigv4_presign_query(const SigV4Request& request, const SigV4Credentials& credentials,
                                std::int64_t now, int expires_s) {
  const std::string timestamp = sigv4_timestamp(now);
  const auto headers = canonical_headers(request, {});
  SigV4Pairs query = request.query;
  query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  query.emplace_back("X-Amz-Credential",
                     credentials.access_key_id + "/" +
                         scope(credentials, std::string_view(timestamp).substr(0, 8)));
  query.emplace_back("X-Amz-Date", timestamp);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_s));
  query.emplace_back("X-Amz-SignedHeaders", headers.signed_names);
  const auto sig = signature(credentials, timestamp,
                             canonical_request(request, query, headers, kUnsignedPayload));
  return sigv4_canonical_query(query) + "&X-Amz-Signature=" + sig;
}

}  // namespace pitchreel
