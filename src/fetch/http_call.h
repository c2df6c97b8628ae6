// One HTTP request to a backend the operator configured (a GPU server, a speech service):
// any method, a JSON or multipart body, connect and total timeouts, and failures sorted
// into the kinds an operator has to tell apart (DNS, refused, timed out before or after
// the server answered, reset). Unlike http_hop.h, the URL is trusted configuration, so
// there is no address pinning; the URL may name loopback or private hosts.
// Thread-safe: each call owns its own easy handle.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace pitchreel::fetch {

struct MultipartField {
  std::string name;
  std::string filename;      // empty for a plain field
  std::string content_type;  // empty for a plain field
  std::vector<std::uint8_t> bytes;
};

struct CallRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when non-empty (and no multipart)
  std::string content_type;          // of `body`
  std::vector<MultipartField> multipart;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  std::uint64_t max_bytes = 512ull << 20;
  // PEM trust anchors used instead of the system's (a proxy's or a test server's CA).
  std::string ca_file;
  // Called about once a second while the request runs, with the seconds since it started;
  // returning false aborts the call (CallFailure::kAborted).
  std::function<bool(double)> on_tick;
};

struct CallResponse {
  long status = 0;
  std::string content_type;  // lower-cased, parameters dropped ("audio/mpeg")
  std::vector<std::uint8_t> body;
  double seconds = 0;  // wall time of the whole call
};

struct CallFailure {
  enum class Kind {
    kMalformedUrl,    // libcurl could not parse the URL or its scheme is not http(s)
    kDns,             // the host name does not resolve
    kRefused,         // connection refused or the host unreachable
    kConnectTimeout,  // no TCP connection within connect_timeout
    kTimeout,         // connected, but the whole call passed total_timeout
    kReset,           // the connection dropped (reset, empty reply, truncated body)
    kTls,             // handshake or certificate failure
    kTooLarge,        // the answer passed max_bytes
    kAborted,         // on_tick returned false
    kInternal,        // libcurl could not be set up
  };
  Kind kind = Kind::kInternal;
  bool response_started = false;  // a status line had arrived before the failure
  std::string detail;             // libcurl's words, for logs
  double seconds = 0;
};

std::expected<CallResponse, CallFailure> http_call(const CallRequest& request);

const char* to_string(CallFailure::Kind kind);

}  // namespace pitchreel::fetch
