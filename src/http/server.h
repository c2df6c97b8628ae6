// Server: the HTTP/1.1 engine under the routes, event-driven on Boost.Asio with Boost.Beast's
// request parser. A connection costs a socket, a small buffer and a timer, never a thread:
// a few I/O threads move bytes for every connection, and a small pool of handler threads
// runs the routes (which may block on the database). An idle keep-alive connection or an
// idle event stream holds no thread.
//
// The engine enforces Limits itself, before any route sees a request: header size, line
// length and count (431), the body size whatever its framing (413, also for chunked bodies;
// a request without Content-Length or chunked framing has no body, as HTTP/1.1 says),
// deadlines for headers and body (408, then the connection is cut), and connection caps
// in all and per client address (503 and close). Those answers are built by Hooks::refuse
// so they look like every other error of the service.
//
// Thread safety: bind() and run() from one thread; stop() from any thread, once. Hooks are
// called concurrently (handle on handler threads, refuse on I/O threads).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/response.h"

namespace pitchreel::http {

// A request the engine answers itself.
struct Refusal {
  int status = 400;
  std::string code;     // stable, e.g. "headers_too_large"
  std::string message;  // what was wrong and what to do
};

class Server {
 public:
  struct Hooks {
    // Answers one request (routing, errors, logging are the caller's). On a handler thread.
    std::function<void(Request&, Response&)> handle;
    // Fills the answer to a refusal; `req` holds what was parsed (at least remote_addr).
    // On an I/O thread: must be quick and must not block.
    std::function<void(const Request&, Response&, const Refusal&)> refuse;
  };

  Server(Limits limits, Hooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on host:port (port 0: any free port); the bound port, or "listen_failed".
  Result<int> bind(const std::string& host, int port);
  // Serves on Limits::io_threads threads (this one among them) until stop() has finished.
  void run();
  // Graceful: stops accepting, closes idle connections, ends event streams, lets requests
  // in progress finish and their answers go out (for at most `grace`), then returns.
  void stop(std::chrono::seconds grace = std::chrono::seconds(10));

  struct State;  // the implementation's, shared with its connections

 private:
  std::shared_ptr<State> state_;
};

}  // namespace pitchreel::http
