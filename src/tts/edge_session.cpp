#include "tts/edge_session.h"

#include <ctime>
#include <functional>
#include <iomanip>
#include <locale>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <fmt/format.h>

namespace pitchreel::edge {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Socket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct Endpoint {
  std::string host, port, path;
};

std::optional<Endpoint> parse_wss_url(const std::string& url) {
  constexpr std::string_view kScheme = "wss://";
  if (url.rfind(kScheme, 0) != 0) return std::nullopt;
  const std::string rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Endpoint e;
  e.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos ||
      e.path.find_first_of("?# ") != std::string::npos) {
    return std::nullopt;
  }
  e.port = "443";
  if (authority.front() == '[') {  // [::1]:port
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      e.port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    e.host = authority.substr(0, colon);
    if (colon != std::string::npos) e.port = authority.substr(colon + 1);
  }
  if (e.host.empty() || e.port.empty() ||
      e.port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return e;
}

// Runs one asynchronous operation on `ioc` until it completes or `deadline` passes; on
// timeout the socket is closed, which completes the operation with operation_aborted.
// Returns nullopt on timeout, the operation's error code otherwise.
template <typename Start>
std::optional<beast::error_code> run_until(net::io_context& ioc, Socket& ws, Clock::time_point deadline,
                                           Start&& start) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  while (!result && Clock::now() < deadline) ioc.run_one_until(deadline);
  if (result) return result;
  beast::error_code ignored;
  beast::get_lowest_layer(ws).socket().close(ignored);
  ioc.restart();
  ioc.run();
  return std::nullopt;
}

TurnFailure failure(TurnFailure::Kind kind, std::string detail, bool audio_started = false) {
  TurnFailure f;
  f.kind = kind;
  f.detail = std::move(detail);
  f.audio_started = audio_started;
  return f;
}

}  // namespace

const char* to_string(TurnFailure::Kind kind) {
  switch (kind) {
    case TurnFailure::Kind::kBadUrl: return "bad_url";
    case TurnFailure::Kind::kDns: return "dns";
    case TurnFailure::Kind::kConnect: return "connect";
    case TurnFailure::Kind::kTls: return "tls";
    case TurnFailure::Kind::kRejected: return "rejected";
    case TurnFailure::Kind::kTimeout: return "timeout";
    case TurnFailure::Kind::kStalled: return "stalled";
    case TurnFailure::Kind::kClosed: return "closed";
    case TurnFailure::Kind::kProtocol: return "protocol";
  }
  return "unknown";
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
  if (in.fail()) return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::expected<Turn, TurnFailure> run_turn(const TurnRequest& request) {
  using Kind = TurnFailure::Kind;
  const auto endpoint = parse_wss_url(request.url);
  if (!endpoint) return std::unexpected(failure(Kind::kBadUrl, "not wss://host[:port]/path"));
  const auto started = Clock::now();
  const auto end_of_turn = started + request.total_timeout;
  const auto connect_deadline = std::min(end_of_turn, started + request.connect_timeout);

  net::io_context ioc;
  ssl::context tls(ssl::context::tls_client);
  beast::error_code ec;
  tls.set_default_verify_paths(ec);
  if (!request.ca_file.empty()) {
    tls.load_verify_file(request.ca_file, ec);
    if (ec) {
      return std::unexpected(failure(
          Kind::kTls, fmt::format("cannot read the CA file {}: {}", request.ca_file, ec.message())));
    }
  }
  tls.set_verify_mode(ssl::verify_peer);
  Socket ws(ioc, tls);
  ws.next_layer().set_verify_callback(ssl::host_name_verification(endpoint->host));
  // SNI: virtual hosts behind one address pick their certificate from it.
  SSL_set_tlsext_host_name(ws.next_layer().native_handle(), endpoint->host.c_str());

  tcp::resolver resolver(ioc);
  tcp::resolver::results_type addresses;
  std::optional<beast::error_code> done;
  {
    std::optional<beast::error_code> resolved;
    resolver.async_resolve(endpoint->host, endpoint->port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             resolved = e;
                             addresses = std::move(r);
                           });
    ioc.restart();
    while (!resolved && Clock::now() < connect_deadline) ioc.run_one_until(connect_deadline);
    if (!resolved) {
      resolver.cancel();
      ioc.restart();
      ioc.run();
      return std::unexpected(failure(Kind::kDns, "the name lookup timed out"));
    }
    if (*resolved) return std::unexpected(failure(Kind::kDns, resolved->message()));
  }

  // Every address the name resolved to, in order (IPv6 and IPv4), until one connects.
  done = run_until(ioc, ws, connect_deadline, [&](auto handler) {
    net::async_connect(beast::get_lowest_layer(ws).socket(), addresses, handler);
  });
  if (!done) return std::unexpected(failure(Kind::kConnect, "no connection within the timeout"));
  if (*done) return std::unexpected(failure(Kind::kConnect, done->message()));

  done = run_until(ioc, ws, connect_deadline, [&](auto handler) {
    ws.next_layer().async_handshake(ssl::stream_base::client, handler);
  });
  if (!done) return std::unexpected(failure(Kind::kTls, "the TLS handshake timed out"));
  if (*done) return std::unexpected(failure(Kind::kTls, done->message()));

  ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
    for (const auto& [name, value] : request.headers) req.set(name, value);
  }));
  ws.read_message_max(16ull << 20);
  websocket::response_type upgrade;
  const std::string host_header = endpoint->port == "443"
                                      ? endpoint->host
                                      : fmt::format("{}:{}", endpoint->host, endpoint->port);
  const std::string target = endpoint->path + "?" + request.query;
  done = run_until(ioc, ws, connect_deadline,
                   [&](auto handler) { ws.async_handshake(upgrade, host_header, target, handler); });
  if (!done) return std::unexpected(failure(Kind::kTimeout, "the WebSocket upgrade timed out"));
  if (*done) {
    if (upgrade.result_int() != 0 && upgrade.result() != http::status::switching_protocols) {
      TurnFailure f = failure(Kind::kRejected, fmt::format("HTTP {}", upgrade.result_int()));
      f.http_status = static_cast<int>(upgrade.result_int());
      if (const auto date = upgrade.find(http::field::date); date != upgrade.end()) {
        f.server_date = parse_http_date(std::string_view(date->value().data(), date->value().size()));
      }
      return std::unexpected(f);
    }
    return std::unexpected(failure(Kind::kClosed, done->message()));
  }

  for (const std::string& message : request.messages) {
    ws.text(true);
    done = run_until(ioc, ws, end_of_turn,
                     [&](auto handler) { ws.async_write(net::buffer(message), handler); });
    if (!done) return std::unexpected(failure(Kind::kTimeout, "sending the request timed out"));
    if (*done) return std::unexpected(failure(Kind::kClosed, done->message()));
  }

  Turn turn;
  bool in_turn = false;
  beast::flat_buffer buffer;
  while (true) {
    buffer.clear();
    const auto now = Clock::now();
    const bool idle_first = now + request.idle_timeout < end_of_turn;
    const auto deadline = idle_first ? now + request.idle_timeout : end_of_turn;
    done = run_until(ioc, ws, deadline, [&](auto handler) { ws.async_read(buffer, handler); });
    const bool audio = !turn.audio.empty();
    if (!done) {
      return std::unexpected(
          idle_first ? failure(Kind::kStalled, "no data within the idle timeout", audio)
                     : failure(Kind::kTimeout, "the turn did not end within the timeout", audio));
    }
    if (*done) return std::unexpected(failure(Kind::kClosed, done->message(), audio));
    const auto data = buffer.data();
    if (ws.got_text()) {
      const std::string_view frame(static_cast<const char*>(data.data()), data.size());
      auto message = parse_text_message(frame);
      if (!message) return std::unexpected(failure(Kind::kProtocol, message.error().message, audio));
      const std::string path = message->path();
      if (path == "turn.start") {
        in_turn = true;
      } else if (path == "audio.metadata") {
        auto words = parse_word_boundaries(message->body);
        if (!words) return std::unexpected(failure(Kind::kProtocol, words.error().message, audio));
        turn.words.insert(turn.words.end(), words->begin(), words->end());
      } else if (path == "turn.end") {
        break;
      }
      // "response" and unknown informational paths carry nothing we need.
    } else {
      const std::span<const std::uint8_t> frame(static_cast<const std::uint8_t*>(data.data()),
                                                data.size());
      auto message = parse_binary_message(frame);
      if (!message) return std::unexpected(failure(Kind::kProtocol, message.error().message, audio));
      if (!in_turn) {
        return std::unexpected(failure(Kind::kProtocol, "audio before turn.start", audio));
      }
      if (message->path() == "audio") {
        turn.audio.insert(turn.audio.end(), message->payload.begin(), message->payload.end());
      }
    }
  }
  // A polite close; the turn is complete whatever the server does with it.
  run_until(ioc, ws, std::min(end_of_turn, Clock::now() + std::chrono::seconds(2)),
            [&](auto handler) { ws.async_close(websocket::close_code::normal, handler); });
  return turn;
}

}  // namespace pitchreel::edge
