// pitchreel's one HTTP client: backends the operator configured (a GPU server, a speech
// service), user-supplied image URLs (through http_hop.h), webhooks and object storage
// (storage/s3_client.h). Any method; a body in memory, multipart, or streamed from a
// BodySource (a file range); an answer kept in memory up to a cap or streamed to a sink;
// connect, total and stall timeouts; redirects never followed; failures sorted into the kinds
// an operator has to tell apart (DNS, refused, timed out before or after the server answered,
// reset, our own file failed).
//
// The address policy is an option: with `pinned` set, the connection may only go to those
// addresses (vetted by the caller against fetch/address_policy.h), handed to libcurl with
// CURLOPT_RESOLVE so DNS is not asked again (rebinding) and enforced again when the socket
// opens; proxies from the environment are ignored, since a proxy would connect on our
// behalf to addresses the pin never sees. Without it the URL is trusted configuration and
// may name loopback or private hosts.
// Thread-safe: each call owns its own easy handle, or with reuse_connection borrows its
// thread's (never shared between threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/body_source.h"
#include "fetch/ip_address.h"

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
  // Sent instead of `body` and `multipart` when set, streamed as libcurl asks for it, with
  // Content-Length from its length and no Content-Type added (put one in `headers`).
  std::optional<BodySource> body_source;
  std::chrono::milliseconds connect_timeout{10'000};
  // milliseconds::max(): no limit on the whole call (a long upload); set stall_timeout then.
  std::chrono::milliseconds total_timeout{60'000};
  // A call in which no byte moves either way for this long fails as kTimeout (a stalled
  // server), measured exactly rather than libcurl's 5-second low-speed averages; zero: off.
  std::chrono::milliseconds stall_timeout{0};
  std::uint64_t max_bytes = 512ull << 20;
  // true: a longer answer is cut at max_bytes and still returned (webhook receivers' bodies
  // are only shown as an excerpt); false: it fails with kTooLarge.
  bool truncate_body = false;
  // A transfer slower than 1 KiB/s for this long fails as kTimeout (a trickling server);
  // zero: only the total timeout applies.
  std::chrono::seconds low_speed_window{0};
  // The address policy: when set, the only addresses the connection may use (see above).
  std::optional<std::vector<IpAddress>> pinned;
  // PEM trust anchors used instead of the system's (a proxy's or a test server's CA).
  std::string ca_file;
  // Called about once a second while the request runs, with the seconds since it started;
  // returning false aborts the call (CallFailure::kAborted).
  std::function<bool(double)> on_tick;
  // When set, receives the answer's body piece by piece, with the answer's status code (known
  // before the first byte), instead of CallResponse::body, which stays empty; max_bytes and
  // truncate_body do not apply (the sink decides what to keep). Returning false aborts the
  // call with kSinkFailed. Runs on the calling thread.
  std::function<bool(long status, std::string_view piece)> body_sink;
  // true: the call runs on its thread's kept easy handle, so consecutive calls to one server
  // from one thread reuse a kept-alive connection (object storage sends many small requests).
  // Ignored with `pinned` (a kept connection was never checked against the pin) and in a call
  // made from inside another call's callback.
  bool reuse_connection = false;
  // true: never through a proxy from the environment (implied by `pinned`).
  bool direct = false;
};

struct CallResponse {
  long status = 0;
  std::string content_type;  // lower-cased, parameters dropped ("audio/mpeg")
  std::vector<std::uint8_t> body;
  double seconds = 0;  // wall time of the whole call
  bool truncated = false;  // truncate_body cut the answer at max_bytes
  // Response headers of the final answer, names lower-cased (the last value of a repeated one).
  std::map<std::string, std::string> headers;
  std::string redirect_url;   // absolute; empty unless the server sent Location
  std::string effective_url;
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
    kSourceFailed,    // body_source could not be read; the request was cut short
    kSinkFailed,      // body_sink refused a piece of the answer
    kPinViolation,    // libcurl tried an address outside `pinned`; nothing was sent
    kInternal,        // libcurl could not be set up
  };
  Kind kind = Kind::kInternal;
  bool response_started = false;  // a status line had arrived before the failure
  std::string detail;             // libcurl's words, for logs
  double seconds = 0;
  std::string refused_address;  // kPinViolation: the address that was not allowed
};

std::expected<CallResponse, CallFailure> http_call(const CallRequest& request);

const char* to_string(CallFailure::Kind kind);

}  // namespace pitchreel::fetch
