// A security probe of our own, against the real `pitchreel serve` on loopback: each test
// reproduces an attack that once worked (a body past the limit sent chunked or without a
// length, huge or numerous headers, clients that trickle their headers, floods of event
// streams or connections, Range abuse on /files, forged log lines, unbounded metric
// series, 500s for client mistakes) and checks that the server now refuses it with a 4xx
// JSON answer, cuts it, or shrugs it off while /healthz keeps answering.
//
// Raw sockets are used where a well-behaved client library would not send the request.
// Connections meant to stand for "another client" bind 127.0.0.2 as their source (all of
// 127/8 is loopback on Linux), since the per-address cap counts 127.0.0.1's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/data_dir.h"
#include "storage/local_store.h"
#include "storage/url_signer.h"
#include "support/server_process.h"
#include "support/test_support.h"

namespace pitchreel {
namespace {

using nlohmann::json;
using testing::ServerOptions;
using testing::ServerProcess;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

// One raw TCP connection to the server.
class RawClient {
 public:
  RawClient(int port, const char* source_address = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source_address, &src.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  // Whether the server has sent something not read yet (or closed).
  bool has_data() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  // False once the server has closed (or reset) the connection.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads what arrives until `done(received)` or the connection closes or the deadline.
  // True unless the deadline passed first.
  template <typename Done>
  bool read_until(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = Clock::now() + timeout;
    char buffer[16384];
    while (!done(received_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        return true;
      }
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

  // One whole response (headers and Content-Length body), or what arrived before a close.
  bool read_response(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return read_until(
        [](const std::string& r) {
          const auto end = r.find("\r\n\r\n");
          if (end == std::string::npos) return false;
          const auto cl = r.find("Content-Length: ");
          if (cl == std::string::npos || cl > end) return true;
          return r.size() >= end + 4 + std::stoul(r.substr(cl + 16));
        },
        timeout);
  }

  // Waits until the server closes the connection.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    return read_until([this](const std::string&) { return closed_; }, timeout) && closed_;
  }

  int status() const {
    if (received_.rfind("HTTP/1.1 ", 0) != 0 || received_.size() < 12) return 0;
    return std::stoi(received_.substr(9, 3));
  }
  json body() const {
    const auto end = received_.find("\r\n\r\n");
    if (end == std::string::npos) return nullptr;
    return json::parse(received_.substr(end + 4), nullptr, false);
  }
  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

// GET /healthz from another client address; its status (0 when no answer in time).
int healthz_from_elsewhere(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  RawClient c(port, "127.0.0.2");
  if (!c.connected() || !c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) return 0;
  if (!c.read_response(timeout)) return 0;
  return c.status();
}

long server_rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int server_threads(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

void expect_json_error(const RawClient& c, int status, const std::string& code) {
  EXPECT_EQ(c.status(), status) << c.received().substr(0, 600);
  const auto body = c.body();
  EXPECT_EQ(body.value("success", true), false) << c.received().substr(0, 600);
  EXPECT_EQ(body.value("code", ""), code) << c.received().substr(0, 600);
  EXPECT_FALSE(body.value("error", "").empty()) << c.received().substr(0, 600);
}

class ServeProbe : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env = {}) {
    env.emplace("PITCHREEL_MAX_BODY_MB", "1");
    server_ = std::make_unique<ServerProcess>(ServerOptions(tmp_ / "data", env));
    ASSERT_SERVER_READY(*server_);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << server_->diagnostics() << "\n";
  }
  int port() const { return server_->port(); }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
};

// ---- bodies

TEST_F(ServeProbe, ChunkedBodiesPastTheLimitAre413WithoutAuth) {
  start();
  const long rss_before = server_rss_kb(server_->pid());
  // 3 MB chunked to the job route (the limit is 1 MB), then 64 MB to a path that does not
  // exist: both stop at the limit, whatever the framing, before any route or credential.
  for (const std::string path : {"/api/v1/jobs", "/no/such/path"}) {
    RawClient c(port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";  // 64 KiB
    const int chunks = path == "/api/v1/jobs" ? 48 : 1024;
    int sent = 0;
    while (sent < chunks && c.send(chunk)) ++sent;
    // The server stops reading soon after the limit (it drains at most 1 MiB more so the
    // 413 reaches the client), so 64 MB cannot all be sent.
    if (chunks == 1024) {
      EXPECT_LT(sent, chunks) << "the server read all of the 64 MB";
    }
    ASSERT_TRUE(c.read_response());
    expect_json_error(c, 413, "body_too_large");
  }
  const long rss_after = server_rss_kb(server_->pid());
  EXPECT_LT(rss_after - rss_before, 32 * 1024) << "RSS grew from " << rss_before << " to " << rss_after << " kB";

  // The same limit with a Content-Length: refused from the header alone.
  RawClient c(port());
  ASSERT_TRUE(c.send("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  expect_json_error(c, 413, "body_too_large");
}

TEST_F(ServeProbe, AnEndlessChunkHeaderIsCut) {
  start();
  // A chunk size followed by an extension that never ends: no body byte is ever counted
  // against the body limit, so the read buffer's own cap must stop it.
  RawClient c(port());
  ASSERT_TRUE(c.send("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext="));
  const std::string block(1 << 20, 'e');
  int sent = 0;
  while (sent < 64 && c.send(block)) ++sent;
  EXPECT_LT(sent, 64) << "the server read 64 MB of one chunk header";
  ASSERT_TRUE(c.read_response());
  expect_json_error(c, 400, "bad_request");
}

TEST_F(ServeProbe, ABodyWithoutALengthIsNotReadAsOne) {
  start();
  // No Content-Length and no chunked framing: HTTP/1.1 says the request has no body. The
  // request is answered at once (401: no credentials) instead of the server reading on;
  // the bytes that follow are then a malformed request, answered 400, and the connection
  // is closed.
  RawClient c(port());
  ASSERT_TRUE(c.send("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n"));
  ASSERT_TRUE(c.read_response(std::chrono::seconds(10)));
  EXPECT_EQ(c.status(), 401) << c.received();
  EXPECT_FALSE(c.closed());
  RawClient d(port());
  ASSERT_TRUE(d.send("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\n\r\n{\"script\": \"" + std::string(100000, 'a')));
  ASSERT_TRUE(d.closed_by_server(std::chrono::seconds(20)));
  const auto second = d.received().find("HTTP/1.1 400");
  EXPECT_NE(second, std::string::npos) << d.received().substr(0, 800);
}

// ---- headers

TEST_F(ServeProbe, HugeOrNumerousHeadersAre431) {
  start();
  {  // one 150 MB header line: cut at the header limit, long before 150 MB
    RawClient c(port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "));
    const std::string block(1 << 20, 'a');
    int sent = 0;
    while (sent < 150 && c.send(block)) ++sent;
    EXPECT_LT(sent, 150);
    ASSERT_TRUE(c.read_response());
    expect_json_error(c, 431, "headers_too_large");
  }
  {  // one header line over the line limit (8 KiB)
    RawClient c(port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"));
    ASSERT_TRUE(c.read_response());
    expect_json_error(c, 431, "headers_too_large");
  }
  {  // more fields than allowed, each small
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i) request += "X-H" + std::to_string(i) + ": 1\r\n";
    RawClient c(port());
    ASSERT_TRUE(c.send(request + "\r\n"));
    ASSERT_TRUE(c.read_response());
    expect_json_error(c, 431, "headers_too_large");
  }
  {  // 15,000 fields of 8 KB (120 MB): refused after the first 64 KiB
    RawClient c(port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    const std::string field = "X-Fill: " + std::string(8000, 'b') + "\r\n";
    int sent = 0;
    while (sent < 15000 && c.send(field)) ++sent;
    EXPECT_LT(sent, 15000);
    ASSERT_TRUE(c.read_response());
    expect_json_error(c, 431, "headers_too_large");
  }
  EXPECT_EQ(healthz_from_elsewhere(port()), 200);
}

TEST_F(ServeProbe, SlowHeaderClientsAreCutAndDoNotDelayOthers) {
  start({{"PITCHREEL_HTTP_HEADER_TIMEOUT_S", "3"}});
  // 100 clients trickling a byte each every 500 ms (the old server had 64 threads).
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->send("G"));
  }
  const std::string rest = "ET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  for (std::size_t step = 0; step < 4; ++step) {
    for (auto& c : slow) c->send(std::string(1, rest[step]));
    // Meanwhile another client is answered as usual.
    EXPECT_EQ(healthz_from_elsewhere(port()), 200) << "step " << step;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the attackers' pace, not a wait for the server
  }
  // The header deadline (3 s) cuts them: each gets a 408 and is closed.
  int cut = 0;
  for (auto& c : slow) {
    if (c->closed_by_server(std::chrono::seconds(20))) ++cut;
  }
  EXPECT_EQ(cut, 100);
  expect_json_error(*slow.front(), 408, "request_timeout");
}

// ---- connections and event streams

TEST_F(ServeProbe, ConnectionsPerClientAddressAreCapped) {
  start({{"PITCHREEL_HTTP_MAX_CONNECTIONS_PER_CLIENT", "8"}});
  // An address of this test's own: the harness's connections from 127.0.0.1 (its readiness
  // and contract checks) close asynchronously and would otherwise count toward the cap.
  const char* const capped = "127.0.0.3";
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<RawClient>(port(), capped));
    ASSERT_TRUE(idle.back()->connected());
  }
  // The 8 are held (a request on one of them is answered)...
  ASSERT_TRUE(idle.front()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.front()->read_response());
  EXPECT_EQ(idle.front()->status(), 200);
  // ...the 9th from the same address is refused with 503 and closed...
  RawClient extra(port(), capped);
  ASSERT_TRUE(extra.connected());
  extra.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(extra.closed_by_server(std::chrono::seconds(20)));
  if (!extra.received().empty()) expect_json_error(extra, 503, "too_many_connections");
  // ...while another address is served.
  EXPECT_EQ(healthz_from_elsewhere(port()), 200);
  // Closing one makes room again.
  idle.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawClient again(port(), capped);
    served = again.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") && again.read_response() && again.status() == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the close is asynchronous
  }
  EXPECT_TRUE(served);
}

// A TCP listener that never accepts: a Hallo3 server whose jobs hang (connections complete
// in the kernel's backlog and no byte ever comes back), so a job stays "running".
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(ServeProbe, IdleEventStreamsHoldNoThreadAndDoNotBlockOthers) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/rendered-3d.jpg");
  BlackHole gpu;
  start({{"HALLO3_URL", gpu.url()},
         {"HALLO3_TIMEOUT_S", "600"},
         {"HALLO3_IMAGE_PX", "256"},
         {"PITCHREEL_MAX_BODY_MB", "25"},
         {"PITCHREEL_HTTP_MAX_CONNECTIONS_PER_CLIENT", "1000"}});
  auto cli = server_->client();
  auto submitted = cli.Post("/api/v1/jobs", testing::job_form(testing::read_file(portrait),
                                                              {{"script", "Hello there."},
                                                               {"engine", "hallo3"},
                                                               {"height", "720"}}));
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted)["id"];
  const auto running = testing::wait_for_job(cli, id, {"running", "failed", "succeeded"});
  ASSERT_EQ(running["status"], "running") << running.dump();

  const int threads_before = server_threads(server_->pid());
  const std::string request = "GET /api/v1/jobs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              server_->api_key() + "\r\n\r\n";
  std::vector<std::unique_ptr<RawClient>> streams;
  for (int i = 0; i < 300; ++i) {
    streams.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(streams.back()->connected());
    ASSERT_TRUE(streams.back()->send(request));
  }
  for (auto& s : streams) {  // each gets the job's state at once
    ASSERT_TRUE(s->read_until([](const std::string& r) { return r.find("event: job") != std::string::npos; }))
        << s->received();
    EXPECT_EQ(s->status(), 200);
    EXPECT_NE(s->received().find("text/event-stream"), std::string::npos);
  }
  // 300 open streams cost no thread each (the old server gave each one of its 64)...
  const int threads_during = server_threads(server_->pid());
  EXPECT_LT(threads_during - threads_before, 10) << threads_before << " -> " << threads_during;
  // ...and other requests are answered meanwhile.
  EXPECT_EQ(healthz_from_elsewhere(port()), 200);
  auto status = cli.Get("/api/v1/jobs/" + id);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);

  // A change reaches every stream: cancel the job; each stream sends the new state and ends.
  auto canceled = cli.Post("/api/v1/jobs/" + id + "/cancel");
  ASSERT_TRUE(canceled);
  int ended = 0;
  for (auto& s : streams) {
    s->read_until([](const std::string& r) { return r.find("0\r\n\r\n") != std::string::npos; });
    if (s->received().find("\"status\":\"canceled\"") != std::string::npos) ++ended;
  }
  EXPECT_EQ(ended, 300);
}

// An event stream checks its credential again on its timer: a key revoked while its
// streams are open ends them (an "error" event, then the end of the stream) within the
// re-check interval plus the 2 s credential cache; streams opened with other keys go on.
TEST_F(ServeProbe, ARevokedKeyEndsItsOpenEventStreams) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/rendered-3d.jpg");
  BlackHole gpu;
  start({{"HALLO3_URL", gpu.url()},
         {"HALLO3_TIMEOUT_S", "600"},
         {"HALLO3_IMAGE_PX", "256"},
         {"PITCHREEL_MAX_BODY_MB", "25"},
         {"PITCHREEL_HTTP_STREAM_RECHECK_S", "1"}});
  const auto data = tmp_ / "data";
  const auto user = testing::admin_json(data, {"user", "create", "--org", "default", "--email", "leaver@a.test",
                                               "--role", "admin"});
  ASSERT_TRUE(user.contains("apiKey")) << user.dump();
  const std::string key = user["apiKey"];
  auto cli = server_->client();
  auto submitted = cli.Post("/api/v1/jobs", testing::job_form(testing::read_file(portrait),
                                                              {{"script", "Hello there."},
                                                               {"engine", "hallo3"},
                                                               {"height", "720"}}));
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = testing::json_body(submitted)["id"];
  const auto running = testing::wait_for_job(cli, id, {"running", "failed", "succeeded"});
  ASSERT_EQ(running["status"], "running") << running.dump();

  auto open_stream = [&](const std::string& token) {
    auto c = std::make_unique<RawClient>(port());
    EXPECT_TRUE(c->send("GET /api/v1/jobs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                        "\r\n\r\n"));
    EXPECT_TRUE(c->read_until([](const std::string& r) { return r.find("event: job") != std::string::npos; }))
        << c->received();
    return c;
  };
  auto leaver_a = open_stream(key), leaver_b = open_stream(key);
  auto owner = open_stream(server_->api_key());

  std::string key_id;
  for (const auto& k : testing::admin_json(data, {"key", "list", "--org", "default"})) {
    if (k.value("userId", "") == user["userId"]) key_id = k["id"];
  }
  ASSERT_FALSE(key_id.empty());
  ASSERT_EQ(testing::admin_json(data, {"key", "revoke", "--id", key_id})["revoked"], true);
  const auto revoked_at = Clock::now();
  for (auto* s : {leaver_a.get(), leaver_b.get()}) {
    ASSERT_TRUE(s->read_until([](const std::string& r) { return r.find("0\r\n\r\n") != std::string::npos; },
                              std::chrono::seconds(30)))
        << "a stream of the revoked key is still open: " << s->received();
    EXPECT_NE(s->received().find("event: error"), std::string::npos) << s->received();
    EXPECT_NE(s->received().find("\"code\":\"unauthorized\""), std::string::npos) << s->received();
  }
  // Bounded by the 1 s re-check (jittered up to 1.2 s) and the 2 s cache; generous for a
  // loaded machine, and far below the 15 s keep-alive round that used to be the only poll.
  EXPECT_LT(Clock::now() - revoked_at, std::chrono::seconds(12));
  // The owner's stream is untouched: still open, no error, no end.
  EXPECT_EQ(owner->received().find("event: error"), std::string::npos) << owner->received();
  EXPECT_EQ(owner->received().find("0\r\n\r\n"), std::string::npos) << owner->received();
  auto status = cli.Get("/api/v1/jobs/" + id);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  ASSERT_TRUE(cli.Post("/api/v1/jobs/" + id + "/cancel"));
  ASSERT_TRUE(owner->read_until([](const std::string& r) { return r.find("0\r\n\r\n") != std::string::npos; }));
  EXPECT_NE(owner->received().find("\"status\":\"canceled\""), std::string::npos) << owner->received();
}

// The cheap checks come before the expensive ones: a caller over the rate limit is refused
// with 429 before its image is looked at (an unreadable image would be a 415 otherwise),
// so a rate-limited client cannot make the server decode a 7000x7000 picture per request.
TEST_F(ServeProbe, RateLimitedCallersAreRefusedBeforeTheirUploadIsDecoded) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/rendered-3d.jpg");
  BlackHole gpu;
  start({{"HALLO3_URL", gpu.url()},
         {"HALLO3_TIMEOUT_S", "600"},
         {"HALLO3_IMAGE_PX", "256"},
         {"PITCHREEL_MAX_BODY_MB", "25"},
         {"PITCHREEL_RATE_PER_USER_HOUR", "1"}});
  auto cli = server_->client();
  const auto form = [](const std::string& image) {
    return testing::job_form(image, {{"script", "Hello there."}, {"engine", "hallo3"}, {"height", "720"}});
  };
  auto first = cli.Post("/api/v1/jobs", form(testing::read_file(portrait)));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 202) << first->body;
  const auto running = testing::wait_for_job(cli, testing::json_body(first)["id"], {"running", "failed", "succeeded"});
  ASSERT_EQ(running["status"], "running") << running.dump();
  // The first job's upload (the job waits on the GPU server, so it is still there).
  const auto files_before = testing::files_under(tmp_ / "data" / "uploads").size();
  EXPECT_GE(files_before, 1u);
  auto second = cli.Post("/api/v1/jobs", form("this is not an image at all"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;
  EXPECT_EQ(testing::json_body(second)["code"], "rate_limited") << second->body;
  EXPECT_FALSE(second->get_header_value("Retry-After").empty());
  EXPECT_EQ(testing::files_under(tmp_ / "data" / "uploads").size(), files_before) << "the refused upload was stored";

  // Another user of the organisation is under the limit: the same bytes reach the image
  // checks and get the image's own error.
  const auto other = testing::admin_json(tmp_ / "data", {"user", "create", "--org", "default", "--email",
                                                         "other@a.test", "--role", "admin"});
  ASSERT_TRUE(other.contains("apiKey")) << other.dump();
  auto as_other = server_->client(other["apiKey"].get<std::string>());
  auto third = as_other.Post("/api/v1/jobs", form("this is not an image at all"));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 415) << third->body;
  EXPECT_EQ(testing::json_body(third)["code"], "image_unreadable") << third->body;
}

TEST_F(ServeProbe, SeedWaitsHoldNoThread) {
  PITCHREEL_REQUIRE_TESTDATA(portrait, "portraits/rendered-3d.jpg");
  BlackHole gpu;
  start({{"HALLO3_URL", gpu.url()},
         {"PITCHREEL_ENGINE", "hallo3"},
         {"HALLO3_TIMEOUT_S", "600"},
         {"HALLO3_IMAGE_PX", "256"},
         {"PITCHREEL_MAX_BODY_MB", "25"},
         {"PITCHREEL_RATE_PER_USER_HOUR", "1000"},
         {"PITCHREEL_SEED_WAIT_S", "8"},
         {"PITCHREEL_HTTP_HANDLER_THREADS", "4"}});
  // The seed's endpoint waits for the video (here: forever, the GPU never answers). 12
  // waiting clients with 4 handler threads: the old server held a thread per wait.
  const std::string image = testing::read_file(portrait);
  const std::string body = "--B\r\nContent-Disposition: form-data; name=\"script\"\r\n\r\nHello there.\r\n"
                           "--B\r\nContent-Disposition: form-data; name=\"height\"\r\n\r\n720\r\n"
                           "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.jpg\"\r\n"
                           "Content-Type: image/jpeg\r\n\r\n" + image + "\r\n--B--\r\n";
  const std::string request = "POST /api/generate-video HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              server_->api_key() + "\r\nContent-Type: multipart/form-data; boundary=B\r\n" +
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<std::unique_ptr<RawClient>> waiting;
  for (int i = 0; i < 12; ++i) {
    waiting.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(waiting.back()->send(request));
  }
  // Every submission is in (12 jobs) while all 12 still wait for their answer...
  auto cli = server_->client();
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  double jobs = 0;
  while (Clock::now() < deadline) {
    auto metrics = cli.Get("/metrics");
    jobs = metrics ? testing::metric_sum(metrics->body, "pitchreel_jobs") : 0;
    if (jobs >= 12) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(jobs, 12);
  for (auto& w : waiting) EXPECT_FALSE(w->has_data()) << "a wait ended before all 12 submissions were read";
  // ...and other requests are served by the 4 handler threads meanwhile. (Had each wait
  // held a handler thread, the 5th submission would not have been read before the first
  // wait ended.) The thread count is not compared: the running job starts threads of its own.
  EXPECT_EQ(healthz_from_elsewhere(port()), 200);
  // At the wait's end each gets the seed's 202 with its job's status URL.
  for (auto& w : waiting) {
    ASSERT_TRUE(w->read_response(std::chrono::seconds(60)));
    EXPECT_EQ(w->status(), 202) << w->received();
    EXPECT_EQ(w->body().value("pending", false), true) << w->received();
  }
}

// ---- /files

class ServeProbeFiles : public ServeProbe {
 protected:
  // A 44 KB object put into the server's own store, and a signed path for it.
  void SetUp() override {
    start();
    DataDir data{server_->data_dir()};
    auto store = LocalStore::open(data.storage());
    ASSERT_TRUE(store);
    content_.resize(45056);
    for (std::size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>('a' + i % 26);
    testing::write_file(tmp_ / "object.bin", content_);
    PutOptions options;
    options.content_type = "video/mp4";
    ASSERT_TRUE((*store)->put_file("org/videos/probe.mp4", tmp_ / "object.bin", options));
    const UrlSigner signer(testing::read_file(data.url_secret()).substr(0, testing::read_file(data.url_secret()).find('\n')));
    path_ = "/files/org/videos/probe.mp4?" + signer.sign("org/videos/probe.mp4", testing::unix_time_now() + 600);
  }

  httplib::Result get_range(const std::string& range) {
    return server_->anonymous_client().Get(path_, {{"Range", range}});
  }

  std::string content_;
  std::string path_;
};

TEST_F(ServeProbeFiles, SingleRangesAreBoundsChecked) {
  auto whole = server_->anonymous_client().Get(path_);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, content_);

  auto r = get_range("bytes=100-199");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes 100-199/45056");
  EXPECT_EQ(r->body, content_.substr(100, 100));

  // Past the end: clamped to the file, never a promise the server cannot keep.
  r = get_range("bytes=0-1048575");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes 0-45055/45056");
  EXPECT_EQ(r->get_header_value("Content-Length"), "45056");
  EXPECT_EQ(r->body, content_);

  r = get_range("bytes=-100");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, content_.substr(45056 - 100));

  // Starting past the end: 416 with the size, and a JSON error.
  r = get_range("bytes=99999999-");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes */45056");
  EXPECT_EQ(testing::json_body(r)["code"], "range_not_satisfiable") << r->body;

  // Overlapping ranges are one range, with a true Content-Range.
  r = get_range("bytes=0-,5-");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes 0-45055/45056");
  EXPECT_EQ(r->body.size(), 45056u);
}

TEST_F(ServeProbeFiles, RepeatedOrManyRangesCannotAmplify) {
  // 900 copies of one range in one request: one range's bytes, not 900 times them.
  std::string header = "bytes=0-9999";
  for (int i = 0; i < 899; ++i) header += ",0-9999";
  auto r = get_range(header);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, content_.substr(0, 10000));

  // Two disjoint ranges: multipart/byteranges with both parts and their Content-Range.
  r = get_range("bytes=0-9,100-109");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  const auto type = r->get_header_value("Content-Type");
  ASSERT_EQ(type.rfind("multipart/byteranges; boundary=", 0), 0u) << type;
  const std::string boundary = type.substr(type.find('=') + 1);
  EXPECT_NE(r->body.find("Content-Range: bytes 0-9/45056\r\n\r\n" + content_.substr(0, 10) + "\r\n--" + boundary),
            std::string::npos) << r->body;
  EXPECT_NE(r->body.find("Content-Range: bytes 100-109/45056\r\n\r\n" + content_.substr(100, 10)), std::string::npos);
  EXPECT_NE(r->body.find("--" + boundary + "--"), std::string::npos);
  EXPECT_LT(r->body.size(), 1000u);

  // Many small disjoint ranges: the whole file once (200), not a part per range.
  header = "bytes=0-0";
  for (int i = 1; i < 500; ++i) header += "," + std::to_string(i * 80) + "-" + std::to_string(i * 80);
  r = get_range(header);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), content_.size());
}

// ---- logs, metrics, client errors

TEST_F(ServeProbe, RequestPathsCannotForgeLogLines) {
  start();
  RawClient c(port());
  ASSERT_TRUE(c.send("GET /x%0a2026-01-01T00:00:00.000+00:00%20level=error%20forged=yes HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  EXPECT_EQ(c.status(), 404);
  // The log line is written by a background thread: wait for it.
  server_->wait_for_log("\\x0a2026");
  const auto log = server_->stderr_text();
  EXPECT_NE(log.find("\\x0a2026"), std::string::npos) << log;
  EXPECT_EQ(log.find("\n2026-01-01T00:00:00.000+00:00"), std::string::npos) << log;
}

TEST_F(ServeProbe, UnknownPathsShareOneMetricSeries) {
  start();
  auto cli = server_->anonymous_client();
  ASSERT_TRUE(cli.Get("/healthz"));
  auto before = cli.Get("/metrics");
  ASSERT_TRUE(before);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(cli.Get("/probe-" + std::to_string(i) + "/x"));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(cli.Get("/api/v1/jobs/" + std::string(20, 'a') + std::to_string(i)));
  auto after = cli.Get("/metrics");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body.find("probe-"), std::string::npos);
  EXPECT_LT(after->body.size(), before->body.size() + 1024) << after->body;
  EXPECT_NE(after->body.find("route=\"(unmatched)\""), std::string::npos) << after->body;
  EXPECT_NE(after->body.find("route=\"/api/v1/jobs/:id\""), std::string::npos) << after->body;
}

// /readyz?deep=1 calls every backend (and can wait on a hung one): only operators may ask.
// The GPU server here is a socket that never answers, so a deep check that ran would wait
// on it; refused requests must answer at once, and never name it.
TEST_F(ServeProbe, DeepReadinessNeedsTheOperatorToken) {
  BlackHole gpu;
  start({{"HALLO3_URL", gpu.url()}, {"PITCHREEL_OPERATOR_TOKEN", "operator-secret-1"}});
  for (const std::string& token : {std::string(), server_->api_key(), std::string("operator-secret-2")}) {
    auto as = server_->client(token);
    const auto started = Clock::now();
    auto deep = as.Get("/readyz?deep=1");
    ASSERT_TRUE(deep);
    EXPECT_EQ(deep->status, 401) << deep->body;
    EXPECT_EQ(testing::json_body(deep)["code"], "operator_token_required") << deep->body;
    EXPECT_EQ(deep->body.find("127.0.0.1"), std::string::npos) << deep->body;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)) << "a refused deep check waited on a backend";
  }
  // The plain probe is unchanged, for everyone.
  auto plain = server_->anonymous_client().Get("/readyz");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200) << plain->body;
  EXPECT_EQ(testing::json_body(plain)["checks"]["database"], "ok") << plain->body;
  // The operator gets the doctor's checks: more than the plain probe's.
  auto as_operator = server_->client("operator-secret-1");
  auto deep = as_operator.Get("/readyz?deep=1");
  ASSERT_TRUE(deep);
  EXPECT_TRUE(deep->status == 200 || deep->status == 503) << deep->body;
  EXPECT_GT(testing::json_body(deep)["checks"].size(), testing::json_body(plain)["checks"].size()) << deep->body;
}

TEST_F(ServeProbe, DeepReadinessIsOffWithoutAnOperatorToken) {
  start();
  auto deep = server_->client().Get("/readyz?deep=1");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 403) << deep->body;
  EXPECT_EQ(testing::json_body(deep)["code"], "operator_access_off") << deep->body;
}

TEST_F(ServeProbe, ClientMistakesAre4xxWithAJsonBody) {
  start();
  auto cli = server_->client();
  // A field of the wrong JSON type.
  auto wrong_type = cli.Post("/api/v1/scripts/suggest", R"({"productName":123})", "application/json");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400) << wrong_type->body;
  EXPECT_FALSE(testing::json_body(wrong_type).value("error", "").empty()) << wrong_type->body;

  // A multipart body that does not parse: 400 with the JSON error, not an empty body.
  auto broken = cli.Post("/api/v1/jobs", "--XyZ\r\nno headers here", "multipart/form-data; boundary=XyZ");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400) << broken->body;
  EXPECT_EQ(testing::json_body(broken)["code"], "multipart_invalid") << broken->body;

  // Not HTTP at all.
  RawClient c(port());
  ASSERT_TRUE(c.send("HELLO\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  expect_json_error(c, 400, "bad_request");
}

}  // namespace
}  // namespace pitchreel
