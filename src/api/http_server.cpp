#include "api/http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "api/http_error.h"

namespace pitchreel::api {
namespace {

constexpr const char* kRequestIdHeader = "X-Request-Id";

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t boot = std::random_device{}();
  return fmt::format("req-{:08x}-{:06x}", static_cast<std::uint32_t>(boot), ++counter);
}

// The path without its query: queries carry signatures, which logs must not keep.
std::string loggable_path(const httplib::Request& req) { return req.path; }

// The route a path belongs to, for metrics: ids and file keys collapsed, so the number of
// series stays small whatever clients send.
std::string route_of(const std::string& path) {
  if (path.rfind("/files/", 0) == 0) return "/files/:key";
  std::string route;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    const bool id = segment.size() >= 16 && segment.find_first_of("0123456789") != std::string::npos;
    route += "/" + (id ? std::string(":id") : segment);
    start = end + 1;
  }
  return route.empty() ? "/" : route;
}

}  // namespace

void HttpServer::count_requests(Metrics& metrics) {
  server_.set_logger([&metrics](const httplib::Request& req, const httplib::Response& res) {
    const auto route = route_of(req.path);
    metrics.increment("pitchreel_http_requests_total",
                      {{"method", req.method}, {"route", route}, {"status", std::to_string(res.status)}});
    spdlog::info("http request_id={} method={} route={} status={} bytes={} remote={}",
                 request_id(res), req.method, route, res.status, res.body.size(), req.remote_addr);
  });
}

HttpServer::HttpServer(std::uint64_t max_body_bytes) {
  server_.set_payload_max_length(max_body_bytes);
  // httplib closes a keep-alive connection after 5 requests by default; API clients and
  // pollers reuse theirs far longer, and a TCP handshake per 5 requests wastes most of a core.
  server_.set_keep_alive_max_count(10000);
  // httplib writes headers and body separately; with Nagle's algorithm on, the body then
  // waits for the client's delayed ACK (~40 ms) on every keep-alive request.
  server_.set_tcp_nodelay(true);
  // Event streams hold a thread each for as long as a client watches a job.
  server_.new_task_queue = [] { return new httplib::ThreadPool(64); };  // owned by httplib
  server_.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header(kRequestIdHeader, new_request_id());
    res.set_header("X-Content-Type-Options", "nosniff");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::info("http request_id={} method={} path={} status={} bytes={} remote={}",
                 request_id(res), req.method, loggable_path(req), res.status, res.body.size(),
                 req.remote_addr);
  });
  server_.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                   std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("http handler failed request_id={} path={} what=\"{}\"", request_id(res),
                  loggable_path(req), what);
    send_error(res, Error::internal("internal_error", what));
  });
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;  // a route already answered
    if (res.status == 413) {
      send_error(res, Error::invalid("body_too_large",
                                     "The request body is larger than the server accepts. Send a "
                                     "smaller image (or an imageUrl)."));
    } else if (res.status == 404) {
      send_error(res, Error::invalid("not_found", "There is nothing at this address."));
    }
  });
}

std::string HttpServer::request_id(const httplib::Response& res) {
  return res.get_header_value(kRequestIdHeader);
}

void send_error(httplib::Response& res, const Error& error) {
  if (error.kind == ErrorKind::kInternal) {
    spdlog::error("request failed request_id={} code={} detail=\"{}\"", HttpServer::request_id(res),
                  error.code, error.message);
  }
  res.status = http_status_for(error);
  if (error.retry_after_s > 0) res.set_header("Retry-After", std::to_string(error.retry_after_s));
  res.set_content(error_body(error, HttpServer::request_id(res)).dump(), "application/json");
}

httplib::Server::Handler HttpServer::wrap(JsonHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
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

void HttpServer::get(const std::string& pattern, JsonHandler handler) {
  server_.Get(pattern, wrap(std::move(handler)));
}
void HttpServer::post(const std::string& pattern, JsonHandler handler) {
  server_.Post(pattern, wrap(std::move(handler)));
}
void HttpServer::del(const std::string& pattern, JsonHandler handler) {
  server_.Delete(pattern, wrap(std::move(handler)));
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
  // The socket is seen here before httplib binds it, so its accept queue can be widened
  // afterwards: this httplib listens with a backlog of 5, and a burst of clients beyond that
  // has its handshakes dropped and retried for seconds (then the server's read timeout
  // closes them). Calling listen() again on a listening socket updates the backlog.
  int listening_socket = -1;
  server_.set_socket_options([&listening_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    listening_socket = sock;
  });
  const int bound = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
  server_.set_socket_options(httplib::default_socket_options);
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

void HttpServer::run() { server_.listen_after_bind(); }
void HttpServer::stop() { server_.stop(); }

}  // namespace pitchreel::api
