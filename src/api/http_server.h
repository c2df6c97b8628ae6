// HttpServer: cpp-httplib with what every route needs around it: a request id on every
// answer (X-Request-Id), one structured log line per request (never the Authorization
// header or a query's signature), a body-size limit enforced from Content-Length before
// the body is read, JSON error answers, and exceptions turned into logged 500s.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/metrics.h"
#include "core/status.h"

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
using JsonHandler = std::function<Result<JsonReply>(const httplib::Request&, httplib::Response&)>;

class HttpServer {
 public:
  explicit HttpServer(std::uint64_t max_body_bytes);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void get(const std::string& pattern, JsonHandler handler);
  void post(const std::string& pattern, JsonHandler handler);
  void del(const std::string& pattern, JsonHandler handler);
  // For routes that write the response themselves (files, event streams).
  httplib::Server& raw() { return server_; }

  // Also counts requests in `metrics` by route (ids collapsed) and status.
  void count_requests(Metrics& metrics);

  // Binds; "invalid_listen" or "listen_failed" with the address when it cannot.
  Result<int> bind(const std::string& host_port);
  // Serves until stop(); call from one thread.
  void run();
  void stop();

  static std::string request_id(const httplib::Response& res);

 private:
  httplib::Server::Handler wrap(JsonHandler handler);
  httplib::Server server_;
};

// Writes an Error as JSON with its status (and Retry-After when error.retry_after_s > 0).
void send_error(httplib::Response& res, const Error& error);

}  // namespace pitchreel::api
