// Turns the failure of a call to a configured backend (Hallo3 GPU server, speech service)
// into an Error an operator cannot misread: which backend, which URL (without credentials),
// what happened, and what to check. Also decides which failures are worth retrying.
//
// Codes are "<prefix>_<what>" with prefix "gpu" or "tts":
//   _misconfigured (URL malformed), _unreachable (DNS, refused, connect timeout, reset),
//   _timeout (no complete answer within the total timeout), _busy (HTTP 502/503/504),
//   _http_error (other 5xx), _rejected (4xx other than auth), _unauthorized (401/403).
// All are ErrorKind::kUnavailable except _misconfigured, _rejected and _unauthorized,
// which need a person to fix something (kInvalidInput).
#pragma once

#include <string>

#include "core/status.h"
#include "fetch/http_call.h"

namespace pitchreel::fetch {

struct BackendInfo {
  std::string name;             // "the Hallo3 server", "the speech service"
  std::string code_prefix;      // "gpu" or "tts"
  std::string url;              // as configured
  std::string url_setting;      // "HALLO3_URL"
  std::string key_setting;      // "HALLO3_API_KEY"; empty when the backend takes no key
  std::string timeout_setting;  // "HALLO3_TIMEOUT_S"; empty when not configurable
};

Error describe_failure(const BackendInfo& backend, const CallFailure& failure,
                       const CallRequest& request);
// An answer with a status outside 2xx.
Error describe_status(const BackendInfo& backend, const CallResponse& response);

// Connection refused or reset, connect timeouts, and timeouts before any response.
bool worth_retrying(const CallFailure& failure);
// 502, 503, 504 (and 429, which asks us to come back later).
bool worth_retrying(long status);

// The URL without user:password@ and without a query string, for messages and logs.
std::string display_url(const std::string& url);

// The first printable characters of a body, for an error message ("CUDA out of memory").
std::string body_excerpt(const std::vector<std::uint8_t>& body, std::size_t max_chars = 160);

}  // namespace pitchreel::fetch
