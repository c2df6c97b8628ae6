// One read-aloud turn over a secure WebSocket (Boost.Beast over OpenSSL): connect, TLS with
// certificate and host name checks, the WebSocket upgrade with the browser-like headers,
// send the text messages, then collect audio frames and word boundaries until turn.end.
// Each call owns its connection; thread-safe. No retries here: the caller decides
// (edge_tts_engine.h corrects its clock on a 403 and tries once more).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tts/edge_protocol.h"

namespace pitchreel::edge {

struct TurnRequest {
  std::string url;      // wss://host[:port]/path, no query
  std::string query;    // appended after "?"
  std::string ca_file;  // extra trust anchors (PEM); empty = the system's
  std::vector<std::pair<std::string, std::string>> headers;  // sent with the upgrade
  std::vector<std::string> messages;                         // text frames, in order
  std::chrono::milliseconds connect_timeout{10'000};         // DNS + TCP + TLS + upgrade
  std::chrono::milliseconds idle_timeout{15'000};  // longest wait for the next frame
  std::chrono::milliseconds total_timeout{60'000};
};

struct Turn {
  std::vector<std::uint8_t> audio;  // the MP3 stream, frames concatenated
  std::vector<WordBoundary> words;
};

struct TurnFailure {
  enum class Kind {
    kBadUrl,        // EDGE_TTS_URL is not wss://host[:port]/path
    kDns,           // the host name does not resolve
    kConnect,       // refused, unreachable, or no connection within connect_timeout
    kTls,           // handshake or certificate failure
    kRejected,      // the upgrade was answered with an HTTP status (403 = token refused)
    kTimeout,       // the whole turn passed total_timeout
    kStalled,       // no frame for idle_timeout
    kClosed,        // the connection ended before turn.end
    kProtocol,      // a frame we cannot parse
  };
  Kind kind = Kind::kConnect;
  int http_status = 0;                                           // kRejected
  std::optional<std::chrono::system_clock::time_point> server_date;  // kRejected, from Date
  bool audio_started = false;  // some audio had arrived before the failure
  std::string detail;          // the library's words, for messages and logs
};

std::expected<Turn, TurnFailure> run_turn(const TurnRequest& request);

const char* to_string(TurnFailure::Kind kind);

// An HTTP date ("Fri, 04 Dec 2026 13:00:21 GMT"); nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace pitchreel::edge
