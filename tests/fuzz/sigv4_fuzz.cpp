// The SigV4 canonicaliser (storage/sigv4.h): the input is split at NUL bytes into a path,
// query names and values, and header names and values. Beyond crashes: encoded text uses
// only unreserved characters and %XX escapes and decodes back to the input; the canonical
// query is sorted; signing is deterministic and a change of one signed value changes the
// signature; the secret never appears in what is returned.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sigv4.h"

namespace {

bool unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) std::abort();
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      std::abort();  // lower-case or not hex
    };
    out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
    i += 2;
  }
  return out;
}

void check_encoding(std::string_view raw, bool keep_slash) {
  const std::string encoded = pitchreel::sigv4_uri_encode(raw, keep_slash);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (!unreserved(c) && c != '%' && !(keep_slash && c == '/')) std::abort();
  }
  if (decode(encoded) != raw) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      parts.emplace_back();
    } else {
      parts.back() += static_cast<char>(data[i]);
    }
  }
  pitchreel::SigV4Request request;
  request.method = "PUT";
  request.host = "127.0.0.1:9000";
  request.path = "/bucket/" + parts[0];
  for (std::size_t i = 1; i + 1 < parts.size(); i += 2) {
    if (i % 4 == 1) {
      request.query.emplace_back(parts[i], parts[i + 1]);
    } else {
      request.headers.emplace_back("x-amz-meta-" + parts[i], parts[i + 1]);
    }
  }
  check_encoding(request.path, true);
  for (const auto& part : parts) check_encoding(part, false);

  const std::string query = pitchreel::sigv4_canonical_query(request.query);
  // Encoded names and values hold no '=' or '&', so the string splits back into its pairs,
  // which must be in order of name, then value.
  pitchreel::SigV4Pairs pairs;
  std::size_t start = 0;
  while (!query.empty() && start <= query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (equals == std::string::npos) std::abort();
    pairs.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
    start = end + 1;
  }
  if (pairs.size() != request.query.size()) std::abort();
  if (!std::is_sorted(pairs.begin(), pairs.end())) std::abort();
  for (const auto& [name, value] : pairs) {
    if (name.find('=') != std::string::npos || value.find('=') != std::string::npos) std::abort();
  }

  const pitchreel::SigV4Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                "auto"};
  const auto signed_once = pitchreel::sigv4_sign_headers(request, credentials,
                                                         pitchreel::kUnsignedPayload, 1'700'000'000);
  const auto signed_twice = pitchreel::sigv4_sign_headers(request, credentials,
                                                          pitchreel::kUnsignedPayload, 1'700'000'000);
  if (signed_once != signed_twice) std::abort();
  auto changed = request;
  changed.path += "x";
  if (pitchreel::sigv4_sign_headers(changed, credentials, pitchreel::kUnsignedPayload, 1'700'000'000) ==
      signed_once) {
    std::abort();
  }
  const std::string presigned = pitchreel::sigv4_presign_query(request, credentials, 1'700'000'000, 900);
  if (presigned.find(credentials.secret_access_key) != std::string::npos) std::abort();
  for (const auto& [name, value] : signed_once) {
    if (value.find(credentials.secret_access_key) != std::string::npos) std::abort();
  }
  return 0;
}
