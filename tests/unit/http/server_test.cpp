// http::Server in-process on loopback: the parts of the engine that do not need the whole
// service (the probe suite in tests/integration covers those through `pitchreel serve`).
// Small enough to run under ASan/UBSan and TSan routinely.
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace pitchreel::http {
namespace {

using Clock = std::chrono::steady_clock;

// One loopback connection; reads until a predicate holds, the server closes, or a deadline.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool send(std::string_view data) {
    return connected_ && ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  template <typename Done>
  bool read_until(Done done, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    while (!done(received_)) {
      if (Clock::now() > deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        return done(received_);
      }
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A server on a free loopback port, run on its own thread, stopped at the end.
class Running {
 public:
  Running(Limits limits, std::function<void(Request&, Response&)> handle) {
    Server::Hooks hooks;
    hooks.handle = std::move(handle);
    hooks.refuse = [](const Request&, Response& res, const Refusal& refusal) {
      res.status = refusal.status;
      res.set_content("{\"code\":\"" + refusal.code + "\"}", "application/json");
    };
    server_ = std::make_unique<Server>(limits, std::move(hooks));
    auto bound = server_->bind("127.0.0.1", 0);
    EXPECT_TRUE(bound);
    port_ = bound ? *bound : 0;
    thread_ = std::thread([this] { server_->run(); });
  }
  ~Running() {
    server_->stop(std::chrono::seconds(5));
    thread_.join();
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST(HttpServer, AnswersAndKeepsTheConnection) {
  Running server(Limits{}, [](Request& req, Response& res) { res.set_content("path=" + req.path, "text/plain"); });
  Client c(server.port());
  ASSERT_TRUE(c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(c.read_until([](const std::string& r) { return has(r, "path=/b"); })) << c.received();
  EXPECT_TRUE(has(c.received(), "HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(has(c.received(), "path=/a"));
}

// The stream's `check` runs on its timer: once it fails, what it appended is sent and the
// chunked body ends, without waiting for the keep-alive round or a change.
TEST(HttpServer, AFailedStreamCheckEndsTheStream) {
  std::atomic<bool> allowed{true};
  std::atomic<int> checks{0};
  Running server(Limits{}, [&](Request&, Response& res) {
    EventStream stream;
    stream.poll = [](std::string& out) {
      out += "event: job\ndata: {}\n\n";
      return true;
    };
    stream.check = [&](std::string& out) {
      ++checks;
      if (allowed) return true;
      out += "event: error\ndata: {\"code\":\"unauthorized\"}\n\n";
      return false;
    };
    stream.check_every = std::chrono::milliseconds(200);
    res.set_event_stream(std::move(stream));
  });
  Client c(server.port());
  ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_until([](const std::string& r) { return has(r, "event: job"); })) << c.received();
  // Checks pass while allowed: the stream stays open.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (checks < 3 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(checks.load(), 3);
  EXPECT_FALSE(has(c.received(), "0\r\n\r\n"));
  allowed = false;
  const auto revoked = Clock::now();
  ASSERT_TRUE(c.read_until([](const std::string& r) { return has(r, "0\r\n\r\n"); })) << c.received();
  EXPECT_TRUE(has(c.received(), "event: error")) << c.received();
  EXPECT_LT(Clock::now() - revoked, std::chrono::seconds(20));  // a few check intervals; loose for a loaded machine
}

// Accepting does not wait for the handler threads: with the only handler thread blocked,
// a connection past the per-address cap is still refused at once (the refusal is the
// accept thread's), which the old engine could only do once a handler thread was free.
TEST(HttpServer, AcceptingDoesNotWaitForBusyHandlers) {
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false, entered = false;
  Limits limits;
  limits.threads = 1;
  limits.max_connections_per_client = 1;
  Running server(limits, [&](Request&, Response& res) {
    std::unique_lock lock(mutex);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    res.set_content("done", "text/plain");
  });
  Client busy(server.port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return entered; }));
  }
  Client refused(server.port());
  const bool answered = refused.read_until([](const std::string& r) { return has(r, "too_many_connections"); });
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(answered) << refused.received();
  EXPECT_TRUE(has(refused.received(), "HTTP/1.1 503")) << refused.received();
  ASSERT_TRUE(busy.read_until([](const std::string& r) { return has(r, "done"); })) << busy.received();
}

}  // namespace
}  // namespace pitchreel::http
