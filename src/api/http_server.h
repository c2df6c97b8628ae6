// HttpServer: the routes' view of the HTTP server, with what every route needs around it:
// a request id on every answer (X-Request-Id), one structured log line per request (path
// escaped; never the Authorization header or a query's signature), JSON error answers,
// exceptions turned into logged 500s, and request counts by route template.
//
// Routes see only pitchreel's own http::Request / http::Response (src/http/), never the
// engine that parses and sends them. Routes are added before run(); the handlers are then
// called from the engine's threads, concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "http/server.h"

namespace pitchreel::api {

// What a JSON route returns: a status and a body, or an Error (mapped by http_error.h).
struct JsonReply {
  JsonReply(int status_code, nlohmann::json json_body)
      : status(status_code), body(std::move(json_body)) {}
  // An answer already serialised (a cached one), sent as is.
  static JsonReply serialized_as(int status_code, std::string text) {
    JsonReply reply(status_code, nullptr);
    reply.serialized = std::move(text);
    return reply;
  }

  int status = 200;
  nlohmann::json body;
  std::string serialized;  // when not empty, sent instead of body
};
using JsonHandler = std::function<Result<JsonReply>(const http::Request&, http::Response&)>;
using RawHandler = http::Handler;

class HttpServer;

// Routes that write the response themselves (files, event streams, the web UI).
class RawRoutes {
 public:
  explicit RawRoutes(HttpServer& server) : server_(server) {}
  void Get(const std::string& pattern, RawHandler handler);

 private:
  HttpServer& server_;
};

class HttpServer {
 public:
  explicit HttpServer(http::Limits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void get(const std::string& pattern, JsonHandler handler);
  void post(const std::string& pattern, JsonHandler handler);
  void del(const std::string& pattern, JsonHandler handler);
  void patch(const std::string& pattern, JsonHandler handler);
  RawRoutes& raw() { return raw_; }
  void route(const std::string& method, const std::string& pattern, RawHandler handler);

  // Also counts requests in `metrics` by method, route template and status.
  void count_requests(Metrics& metrics);

  // Binds; "invalid_listen" or "listen_failed" with the address when it cannot.
  Result<int> bind(const std::string& host_port);
  // Serves until stop(); call from one thread.
  void run();
  void stop();

  static std::string request_id(const http::Response& res);

  // Everything around one request: ids, routing, errors, the log line and the count.
  // Called by the engine on one of its threads (may block).
  void handle(http::Request& req, http::Response& res) const;
  // The log line and count of a request the engine answered itself (a limit it enforces).
  void log_request(const http::Request& req, const http::Response& res, const std::string& route) const;

 private:
  http::Router router_;
  RawRoutes raw_{*this};
  Metrics* metrics_ = nullptr;
  std::unique_ptr<http::Server> engine_;
};

// The engine's limits from the service's configuration (PITCHREEL_MAX_BODY_MB,
// PITCHREEL_HTTP_*).
http::Limits http_limits(const ServiceConfig& config);

// Writes a JSON route's result into `res`: the reply, or the error as send_error() does.
void send_json_reply(http::Response& res, Result<JsonReply> reply);

// Writes an Error as JSON with its status (and Retry-After when error.retry_after_s > 0).
void send_error(http::Response& res, const Error& error);

}  // namespace pitchreel::api
