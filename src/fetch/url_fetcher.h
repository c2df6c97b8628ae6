// Downloads an image from a URL a user supplied (the seed's `imageUrl`), defending the server
// against it: only http(s); never a loopback, private, link-local or otherwise non-public
// address (SSRF), checked for every address a host resolves to and at every redirect, with the
// connection pinned to the checked address so DNS rebinding cannot swap it; bounded in size and
// time. Thread-safe: calls share nothing (one libcurl easy handle per request).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace pitchreel {

struct FetchLimits {
  std::uint64_t max_bytes = 20 << 20;
  int connect_timeout_s = 5;
  int total_timeout_s = 20;  // for the whole call, redirects included
  int max_redirects = 3;
  // Tests and single-machine setups only: lets URLs reach loopback and private networks.
  // The connection is still pinned to the addresses that were resolved and checked.
  bool allow_private_addresses = false;
  // What is downloaded ("image", "music"): the error codes' prefix ("{what}_url_...") and
  // the noun of their messages, so a user knows which of a request's URLs failed.
  std::string what = "image";
};

struct Fetched {
  std::vector<std::uint8_t> body;
  std::string content_type;  // as the server sent it (may be empty); not trusted for decoding
  std::string final_url;     // after redirects
};

// Errors (stable codes, shown for the default `what`; messages name only scheme://host[:port], never paths or queries, which
// can carry signed tokens):
//   image_url_invalid      invalid input: not http(s), malformed, credentials in the URL
//   image_url_forbidden    invalid input: resolves to a non-public address (says which)
//   image_url_too_large    invalid input: Content-Length or body beyond max_bytes
//   image_url_http_error   HTTP status >= 400 (invalid input for 4xx, unavailable for 5xx),
//                          or too many redirects / a redirect without a target (invalid input)
//   image_url_timeout      unavailable: connect or total timeout, or a trickling server
//   image_url_unreachable  unavailable: host not found, connection refused, TLS failure,
//                          broken response
Result<Fetched> fetch_url(const std::string& url, const FetchLimits& limits);

}  // namespace pitchreel
