#include "support/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace pitchreel::testing {

LoopbackServer::LoopbackServer() = default;

LoopbackServer::~LoopbackServer() { stop(); }

bool LoopbackServer::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  // The socket listens from bind on; early connections wait in the backlog.
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib's stop() does nothing until the listening thread has marked the server running,
  // so a test that ended before then would wait forever in stop(): wait for it here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server_.is_running();
}

void LoopbackServer::stop() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

void FaultScript::push(Fault fault, int times) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) faults_.push_back(fault);
}

Fault FaultScript::next() {
  ++requests_;
  std::lock_guard lock(mutex_);
  if (faults_.empty()) return Fault::kNone;
  const Fault f = faults_.front();
  faults_.pop_front();
  return f;
}

bool apply_simple_fault(Fault fault, httplib::Response& res, const std::atomic<bool>& stopping,
                        double hang_limit_s) {
  switch (fault) {
    case Fault::kStatus400:
      res.status = 400;
      res.set_content(R"({"error":"bad request: the audio field is missing"})", "application/json");
      return true;
    case Fault::kStatus401:
      res.status = 401;
      res.set_content(R"({"error":"invalid api key"})", "application/json");
      return true;
    case Fault::kStatus500:
      res.status = 500;
      res.set_content("CUDA out of memory. Tried to allocate 2.00 GiB", "text/plain");
      return true;
    case Fault::kStatus503:
      res.status = 503;
      res.set_content("model loading", "text/plain");
      return true;
    case Fault::kHtml:
      res.status = 200;
      res.set_content("<html><body>Welcome to nginx!</body></html>", "text/html");
      return true;
    case Fault::kHang: {
      const auto until = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(static_cast<long>(hang_limit_s * 1000));
      while (!stopping && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      res.status = 200;
      return true;
    }
    default:
      return false;
  }
}

int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace pitchreel::testing
