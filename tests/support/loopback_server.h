// LoopbackServer: a cpp-httplib server on 127.0.0.1 and a free port, run on its own thread
// for the life of the object, for contract tests of remote backends. Handlers are added
// before start(). Also: scripted faults, and a port nothing listens on.
#pragma once

#include <httplib.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace pitchreel::testing {

class LoopbackServer {
 public:
  LoopbackServer();
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& http() { return server_; }
  // Binds and starts serving; returns false when no port could be bound.
  bool start();
  void stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
};

// What a scripted fault does to the next request.
enum class Fault {
  kNone,
  kStatus400,
  kStatus401,
  kStatus500,
  kStatus503,
  kHang,       // answers nothing until the server stops (or hang_limit passes)
  kGarbage,    // 200 with bytes that are not what the contract promises
  kTruncated,  // 200 with the first part of a valid answer only
  kHtml,       // 200 text/html (a proxy's error page)
};

// A queue of faults consumed one per request; an empty queue means "behave".
class FaultScript {
 public:
  void push(Fault fault, int times = 1);
  Fault next();
  int requests() const { return requests_; }

 private:
  std::mutex mutex_;
  std::deque<Fault> faults_;
  std::atomic<int> requests_{0};
};

// Applies a status/HTML fault to `res`; true when the handler should return at once.
// kHang sleeps until `stopping` is set or `hang_limit_s` passes, then answers 200 empty.
bool apply_simple_fault(Fault fault, httplib::Response& res, const std::atomic<bool>& stopping,
                        double hang_limit_s = 30);

// A loopback port with nothing listening on it (connections are refused).
int unused_port();

}  // namespace pitchreel::testing
