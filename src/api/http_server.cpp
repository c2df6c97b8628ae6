#include "api/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

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

}  // namespace

HttpServer::HttpServer(http::Limits limits) {
  http::Server::Hooks hooks;
  hooks.handle = [this](http::Request& req, http::Response& res) { handle(req, res); };
  hooks.refuse = [this](const http::Request& req, http::Response& res, const http::Refusal& refusal) {
    res.set_header(kRequestIdHeader, new_request_id());
    send_error(res, Error::invalid(refusal.code, refusal.message));
    res.status = refusal.status;
    log_request(req, res, kUnmatchedRoute);
  };
  engine_ = std::make_unique<http::Server>(limits, std::move(hooks));
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
  } catch (const nlohmann::json::type_error& e) {
    // Routes read client JSON with typed getters: a field of the wrong type (or text that is
    // not UTF-8, which cannot be written back as JSON) is the client's mistake, not a 500.
    const std::string what = e.what();
    const auto detail = what.substr(what.find(']') == std::string::npos ? 0 : what.find(']') + 2);
    const auto id = request_id(res);
    res = http::Response();
    res.set_header(kRequestIdHeader, id);
    send_error(res, e.id == 316 ? Error::invalid("invalid_utf8",
                                                 "A text field of the request is not valid UTF-8. Send "
                                                 "text as UTF-8.")
                                : Error::invalid("invalid_field_type",
                                                 "A field of the request has the wrong JSON type (" + detail +
                                                     "). See GET /api/v1/openapi.json for the types."));
  } catch (const std::exception& e) {
    spdlog::error("http handler failed request_id={} route={} what=\"{}\"", request_id(res), route->label,
                  http::log_text(e.what()));
    const auto id = request_id(res);
    res = http::Response();
    res.set_header(kRequestIdHeader, id);
    send_error(res, Error::internal("internal_error", e.what()));
  }
  if (auto& deferred = res.deferred()) {
    // The answer comes later: its log line and count are written when it does.
    http::Request logged;
    logged.method = req.method;
    logged.path = req.path;
    logged.remote_addr = req.remote_addr;
    deferred->poll = [this, poll = std::move(deferred->poll), logged = std::move(logged),
                      label = route->label](http::Response& out, bool final) {
      bool done = false;
      try {
        done = poll(out, final);
      } catch (const std::exception& e) {
        send_error(out, Error::internal("internal_error", e.what()));
        done = true;
      }
      if (done) log_request(logged, out, label);
      return done;
    };
    return;
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
    send_json_reply(res, handler(req, res));
  };
}

}  // namespace

void send_json_reply(http::Response& res, Result<JsonReply> reply) {
  if (!reply) {
    send_error(res, reply.error());
    return;
  }
  res.status = reply->status;
  res.set_content(reply->serialized.empty() ? reply->body.dump() : std::move(reply->serialized),
                  "application/json");
}

void HttpServer::get(const std::string& pattern, JsonHandler handler) {
  route("GET", pattern, json_route(std::move(handler)));
}
void HttpServer::post(const std::string& pattern, JsonHandler handler) {
  route("POST", pattern, json_route(std::move(handler)));
}
void HttpServer::del(const std::string& pattern, JsonHandler handler) {
  route("DELETE", pattern, json_route(std::move(handler)));
}
void HttpServer::patch(const std::string& pattern, JsonHandler handler) {
  route("PATCH", pattern, json_route(std::move(handler)));
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
  return engine_->bind(host, port);
}

void HttpServer::run() { engine_->run(); }
void HttpServer::stop() { engine_->stop(); }

http::Limits http_limits(const ServiceConfig& config) {
  http::Limits limits;
  limits.max_body_bytes = config.max_body_bytes;
  limits.max_header_bytes = static_cast<std::size_t>(config.http_max_header_kb) * 1024;
  limits.max_header_line = static_cast<std::size_t>(config.http_max_header_line_kb) * 1024;
  limits.max_headers = static_cast<std::size_t>(config.http_max_headers);
  limits.header_timeout = std::chrono::seconds(config.http_header_timeout_s);
  limits.body_timeout = std::chrono::seconds(config.http_body_timeout_s);
  limits.max_connections = static_cast<std::size_t>(config.http_max_connections);
  limits.max_connections_per_client = static_cast<std::size_t>(config.http_max_connections_per_client);
  limits.threads = static_cast<std::size_t>(config.http_handler_threads);
  return limits;
}

}  // namespace pitchreel::api
