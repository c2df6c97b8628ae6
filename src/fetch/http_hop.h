// One HTTP GET of a user-supplied URL, with redirects left to the caller and the connection
// pinned to addresses the caller has already vetted: http_call (http_call.h) with the
// address policy on, its failures mapped to the kinds the image fetcher reports.
// Thread-safe: each call owns its own easy handle.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "fetch/ip_address.h"
#include "fetch/target_url.h"

namespace pitchreel::fetch {

struct HopRequest {
  TargetUrl target;
  // The only addresses the socket may connect to: handed to libcurl with CURLOPT_RESOLVE (so it
  // does not ask DNS again, which a rebinding attacker could answer differently) and enforced
  // again when the socket opens.
  std::vector<IpAddress> pinned;
  std::uint64_t max_bytes = 0;
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds total_timeout{0};
};

struct HopResponse {
  long status = 0;
  std::string content_type;
  std::string redirect_url;  // absolute; empty unless the server sent Location
  std::string effective_url;
  std::vector<std::uint8_t> body;  // never more than max_bytes
};

struct HopError {
  enum class Kind {
    kTooLarge,       // Content-Length or the bytes received passed max_bytes
    kTimeout,        // connect, total, or too slow for too long
    kConnectFailed,  // refused, unreachable, reset before any response
    kPinViolation,   // libcurl tried an address outside `pinned`; nothing was sent
    kTls,            // handshake or certificate failure
    kBadResponse,    // not HTTP, truncated, or the connection dropped mid-body
    kInternal,       // libcurl could not be set up
  };
  Kind kind = Kind::kInternal;
  std::string detail;           // libcurl's words; for logs only, may name internal addresses
  std::string refused_address;  // for kPinViolation: the address that was not allowed
};

std::expected<HopResponse, HopError> run_hop(const HopRequest& request);

}  // namespace pitchreel::fetch
