#include "api/http_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "api/http_error.h"
#include "http/log_text.h"
#include "http/multipart.h"

namespace pitchreel::api {
namespace {

constexpr const char* kRequestIdHeader = "X-Request-Id";
constexpr const char* kUnmatchedRoute = "(unmatched)";

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t boot = std::random_device{}();
  return fmt::format("req-{:08x}-{:06x}", static_cast<std::uint32_t>(boot), ++counter);
}

http::Request from_httplib(const httplib::Request& in) {
  http::Request req;
  req.method = in.method;
  req.target = in.target;
  http::parse_target(req);
  for (const auto& [name, value] : in.headers) req.headers.emplace(name, value);
  req.body = in.body;
  for (const auto& [name, part] : in.files) {
    req.files.emplace(name, http::FormPart{part.name, part.content, part.filename, part.content_type});
  }
  req.remote_addr = in.remote_addr;
  req.remote_port = in.remote_port;
  return req;
}

void to_httplib(http::Response& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) {
    if (strcasecmp(name.c_str(), "Content-Type") != 0) out.set_header(name.c_str(), value);
  }
  const auto type = in.get_header_value("Content-Type");
  if (auto& stream = in.event_stream()) {
    out.set_chunked_content_provider(type, [stream = *stream](std::size_t, httplib::DataSink& sink) {
      auto seen = stream.wake ? stream.wake->version() : 0;
      for (;;) {
        std::string events;
        const bool more = stream.poll(events);
        if (!events.empty() && !sink.write(events.data(), events.size())) return false;
        if (!more) {
          sink.done();
          return true;
        }
        const auto now = stream.wake ? stream.wake->wait_for_change(seen, stream.keep_alive) : seen;
        if (now == seen) {
          static constexpr char kKeepAlive[] = ": keep-alive\n\n";
          if (!sink.write(kKeepAlive, sizeof kKeepAlive - 1)) return false;
        }
        seen = now;
      }
    });
  } else if (in.has_pieces()) {
    out.set_content_provider(
        in.content_length(), type,
        [pieces = in.pieces()](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          char buffer[64 * 1024];
          std::uint64_t at = 0;  // where the current piece starts in the whole body
          for (const auto& piece : pieces) {
            if (length == 0) break;
            const std::uint64_t size = std::holds_alternative<std::string>(piece)
                                           ? std::get<std::string>(piece).size()
                                           : std::get<http::FileSlice>(piece).length;
            if (offset < at + size) {
              std::uint64_t from = offset - at;
              const std::uint64_t n = std::min<std::uint64_t>(length, size - from);
              if (const auto* text = std::get_if<std::string>(&piece)) {
                if (!sink.write(text->data() + from, n)) return false;
              } else {
                const auto& slice = std::get<http::FileSlice>(piece);
                std::uint64_t left = n;
                while (left > 0) {
                  const long got = slice.file->read_at(slice.offset + from, buffer,
                                                       std::min<std::uint64_t>(left, sizeof buffer));
                  if (got <= 0 || !sink.write(buffer, static_cast<std::size_t>(got))) return false;
                  from += static_cast<std::uint64_t>(got);
                  left -= static_cast<std::uint64_t>(got);
                }
              }
              offset += n;
              length -= n;
            }
            at += size;
          }
          return true;
        });
  } else if (!in.body.empty() || !type.empty()) {
    out.set_content(std::move(in.body), type);
  }
}

}  // namespace

// The engine under the routes for now: cpp-httplib, one thread per connection.
class HttpServer::Engine {
 public:
  explicit Engine(std::uint64_t max_body_bytes) {
    server.set_payload_max_length(max_body_bytes);
    // httplib closes a keep-alive connection after 5 requests by default; API clients and
    // pollers reuse theirs far longer, and a TCP handshake per 5 requests wastes most of a core.
    server.set_keep_alive_max_count(10000);
    // httplib writes headers and body separately; with Nagle's algorithm on, the body then
    // waits for the client's delayed ACK (~40 ms) on every keep-alive request.
    server.set_tcp_nodelay(true);
    // Event streams hold a thread each for as long as a client watches a job.
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };  // owned by httplib
  }
  httplib::Server server;
};

HttpServer::HttpServer(std::uint64_t max_body_bytes)
    : engine_(std::make_unique<Engine>(max_body_bytes)) {
  auto& server = engine_->server;
  const auto dispatch = [this](const httplib::Request& in, httplib::Response& out) {
    // Ranges are the routes' business (routes_files.cpp): httplib must not apply them again.
    const_cast<httplib::Request&>(in).ranges.clear();
    http::Request req = from_httplib(in);
    http::Response res;
    handle(req, res);
    to_httplib(res, out);
  };
  server.Get(".*", dispatch);
  server.Post(".*", dispatch);
  server.Delete(".*", dispatch);
  server.Put(".*", dispatch);
  server.Patch(".*", dispatch);
  server.set_error_handler([this](const httplib::Request& in, httplib::Response& out) {
    if (!out.body.empty() || out.status != 413) return;  // only the engine's own refusals
    http::Request req;
    req.method = in.method;
    req.target = in.target;
    http::parse_target(req);
    req.remote_addr = in.remote_addr;
    http::Response res;
    res.set_header(kRequestIdHeader, new_request_id());
    send_error(res, Error::invalid("body_too_large",
                                   "The request body is larger than the server accepts. Send a "
                                   "smaller image (or an imageUrl)."));
    log_request(req, res, kUnmatchedRoute);
    to_httplib(res, out);
  });
}

HttpServer::~HttpServer() = default;

void HttpServer::count_requests(Metrics& metrics) { metrics_ = &metrics; }

void HttpServer::log_request(const http::Request& req, const http::Response& res,
                             const std::string& route) const {
  if (metrics_) {
    metrics_->increment("pitchreel_http_requests_total",
                        {{"method", req.method}, {"route", route}, {"status", std::to_string(res.status)}});
  }
  // The path without its query: queries carry signatures, which logs must not keep.
  spdlog::info("http request_id={} method={} route={} path={} status={} bytes={} remote={}",
               request_id(res), http::log_text(req.method, 16), route, http::log_text(req.path),
               res.status, res.content_length(), req.remote_addr);
}

void HttpServer::handle(http::Request& req, http::Response& res) const {
  res.set_header(kRequestIdHeader, new_request_id());
  res.set_header("X-Content-Type-Options", "nosniff");
  const http::Route* route = router_.match(req);
  if (!route) {
    send_error(res, Error::invalid("not_found", "There is nothing at this address."));
    log_request(req, res, kUnmatchedRoute);
    return;
  }
  // The engine hands multipart bodies over whole; the parts are parsed once, here.
  if (req.files.empty() && !req.body.empty() && req.is_multipart_form_data()) {
    auto parts = http::parse_multipart(req.get_header_value("Content-Type"), req.body);
    if (!parts) {
      send_error(res, parts.error());
      log_request(req, res, route->label);
      return;
    }
    req.files = std::move(*parts);
    req.body.clear();
  }
  try {
    route->handler(req, res);
  } catch (const std::exception& e) {
    spdlog::error("http handler failed request_id={} route={} what=\"{}\"", request_id(res), route->label,
                  http::log_text(e.what()));
    const auto id = request_id(res);
    res = http::Response();
    res.set_header(kRequestIdHeader, id);
    send_error(res, Error::internal("internal_error", e.what()));
  }
  log_request(req, res, route->label);
}

std::string HttpServer::request_id(const http::Response& res) {
  return res.get_header_value(kRequestIdHeader);
}

void send_error(http::Response& res, const Error& error) {
  if (error.kind == ErrorKind::kInternal) {
    spdlog::error("request failed request_id={} code={} detail=\"{}\"", HttpServer::request_id(res),
                  error.code, http::log_text(error.message, 2048));
  }
  res.status = http_status_for(error);
  if (error.retry_after_s > 0) res.set_header("Retry-After", std::to_string(error.retry_after_s));
  res.set_content(error_body(error, HttpServer::request_id(res)).dump(), "application/json");
}

void HttpServer::route(const std::string& method, const std::string& pattern, RawHandler handler) {
  router_.add(method, pattern, std::move(handler));
}

void RawRoutes::Get(const std::string& pattern, RawHandler handler) {
  server_.route("GET", pattern, std::move(handler));
}

namespace {

RawHandler json_route(JsonHandler handler) {
  return [handler = std::move(handler)](const http::Request& req, http::Response& res) {
    auto reply = handler(req, res);
    if (!reply) {
      send_error(res, reply.error());
      return;
    }
    res.status = reply->status;
    res.set_content(reply->serialized.empty() ? reply->body.dump() : std::move(reply->serialized),
                    "application/json");
  };
}

}  // namespace

void HttpServer::get(const std::string& pattern, JsonHandler handler) {
  route("GET", pattern, json_route(std::move(handler)));
}
void HttpServer::post(const std::string& pattern, JsonHandler handler) {
  route("POST", pattern, json_route(std::move(handler)));
}
void HttpServer::del(const std::string& pattern, JsonHandler handler) {
  route("DELETE", pattern, json_route(std::move(handler)));
}

Result<int> HttpServer::bind(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) {
    return fail(Error::invalid("invalid_listen", "--listen " + host_port +
                                                     " must be HOST:PORT, e.g. 127.0.0.1:8080."));
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(host_port.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return fail(Error::invalid("invalid_listen", "--listen " + host_port + " has an invalid port."));
  }
  auto& server = engine_->server;
  // The socket is seen here before httplib binds it, so its accept queue can be widened
  // afterwards: this httplib listens with a backlog of 5, and a burst of clients beyond that
  // has its handshakes dropped and retried for seconds (then the server's read timeout
  // closes them). Calling listen() again on a listening socket updates the backlog.
  int listening_socket = -1;
  server.set_socket_options([&listening_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    listening_socket = sock;
  });
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  server.set_socket_options(httplib::default_socket_options);
  if (bound <= 0) {
    return fail(Error::invalid("listen_failed", "Cannot listen on " + host_port +
                                                    " (address in use or not available). Choose "
                                                    "another --listen address."));
  }
  if (listening_socket >= 0 && ::listen(listening_socket, SOMAXCONN) != 0) {
    spdlog::warn("could not widen the accept queue error=\"{}\"", std::strerror(errno));
  }
  return bound;
}

void HttpServer::run() { engine_->server.listen_after_bind(); }
void HttpServer::stop() { engine_->server.stop(); }

}  // namespace pitchreel::api
