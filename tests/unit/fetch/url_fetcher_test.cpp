// fetch_url against real libcurl and a real HTTP/1.1 server on 127.0.0.1 (plain POSIX sockets,
// canned responses). No test contacts any other address or asks DNS about a real host.
#include "fetch/url_fetcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "fetch/http_hop.h"

namespace pitchreel {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kImage = "\x89PNG\r\n\x1a\nnot really an image";

// A one-connection-at-a-time HTTP/1.1 responder. Every response closes the connection, so
// libcurl never reuses one across tests. requests() counts request heads received: the proof
// that a refused URL made no connection.
class CannedServer {
 public:
  CannedServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listen_fd_, 16) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    socklen_t length = sizeof address;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  int port() const { return port_; }
  int requests() const { return requests_; }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const std::string path = read_request_path(fd);
      if (!path.empty()) {
        ++requests_;
        respond(fd, path);
      }
      close(fd);
    }
  }

  // The path of the request line, once the whole head has arrived; empty if it never does.
  std::string read_request_path(int fd) {
    std::string head;
    char buffer[4096];
    const auto give_up = Clock::now() + 2s;
    while (head.find("\r\n\r\n") == std::string::npos && Clock::now() < give_up && !stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return {};
      head.append(buffer, static_cast<std::size_t>(n));
    }
    const auto first_space = head.find(' ');
    const auto second_space = head.find(' ', first_space + 1);
    if (first_space == std::string::npos || second_space == std::string::npos) return {};
    return head.substr(first_space + 1, second_space - first_space - 1);
  }

  bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      if (stop_) return false;
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Holds the connection open until the client hangs up (or the test ends).
  void wait_for_client_close(int fd) {
    char buffer[256];
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      if (recv(fd, buffer, sizeof buffer, 0) <= 0) return;
    }
  }

  static std::string head(const std::string& status, const std::string& headers) {
    return "HTTP/1.1 " + status + "\r\nConnection: close\r\n" + headers + "\r\n";
  }

  void respond(int fd, const std::string& path) {
    if (path == "/image") {
      send_all(fd, head("200 OK", "Content-Type: image/png\r\nContent-Length: " +
                                      std::to_string(kImage.size()) + "\r\n") +
                       kImage);
    } else if (path == "/redirect") {
      send_all(fd, head("302 Found", "Location: /image\r\nContent-Length: 0\r\n"));
    } else if (path == "/redirect-to-localhost") {
      send_all(fd, head("301 Moved Permanently",
                        "Location: " + url("/image", "localhost") + "\r\nContent-Length: 0\r\n"));
    } else if (path.starts_with("/hop/")) {
      const int next = std::stoi(path.substr(5)) + 1;
      send_all(fd, head("302 Found",
                        "Location: /hop/" + std::to_string(next) + "\r\nContent-Length: 0\r\n"));
    } else if (path == "/to-file") {
      send_all(fd, head("302 Found", "Location: file:///etc/passwd\r\nContent-Length: 0\r\n"));
    } else if (path == "/to-gopher") {
      send_all(fd, head("307 Temporary Redirect",
                        "Location: gopher://127.0.0.1:" + std::to_string(port_) +
                            "/x\r\nContent-Length: 0\r\n"));
    } else if (path == "/huge") {
      // Announces 100 GB and sends nothing: only an early refusal ends this before the timeout.
      send_all(fd, head("200 OK", "Content-Type: image/png\r\nContent-Length: 100000000000\r\n"));
      wait_for_client_close(fd);
    } else if (path == "/chunked") {
      send_all(fd, head("200 OK", "Content-Type: image/png\r\nTransfer-Encoding: chunked\r\n"));
      const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
      for (int i = 0; i < 800 && send_all(fd, chunk); ++i) {  // up to 50 MB
      }
    } else if (path == "/no-length") {
      send_all(fd, head("200 OK", "Content-Type: image/png\r\n"));
      const std::string block(0x10000, 'y');
      for (int i = 0; i < 800 && send_all(fd, block); ++i) {
      }
    } else if (path == "/trickle") {
      send_all(fd, head("200 OK", "Content-Type: image/png\r\nContent-Length: 100000\r\n"));
      while (!stop_ && send_all(fd, "z")) std::this_thread::sleep_for(100ms);
    } else if (path == "/server-error") {
      send_all(fd, head("503 Service Unavailable", "Content-Length: 4\r\n") + "busy");
    } else {
      send_all(fd, head("404 Not Found", "Content-Type: text/html\r\nContent-Length: 9\r\n") +
                       "not found");
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

FetchLimits loopback_allowed() {
  FetchLimits limits;
  limits.allow_private_addresses = true;
  limits.connect_timeout_s = 2;
  limits.total_timeout_s = 4;
  return limits;
}

std::string body_text(const Fetched& fetched) {
  return std::string(fetched.body.begin(), fetched.body.end());
}

void expect_error(const Result<Fetched>& result, const std::string& code) {
  ASSERT_FALSE(result) << "fetched " << result->body.size() << " bytes, want " << code;
  EXPECT_EQ(result.error().code, code) << result.error().message;
}

// A port on 127.0.0.1 that nothing listens on.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(FetchUrl, ReturnsBodyAndContentType) {
  CannedServer server;
  const auto fetched = fetch_url(server.url("/image"), loopback_allowed());
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(body_text(*fetched), kImage);
  EXPECT_EQ(fetched->content_type, "image/png");
  EXPECT_EQ(fetched->final_url, server.url("/image"));
}

TEST(FetchUrl, HostNameIsPinnedToTheCheckedAddress) {
  CannedServer server;
  const auto fetched = fetch_url(server.url("/image", "localhost"), loopback_allowed());
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(body_text(*fetched), kImage);
}

TEST(FetchUrl, DefaultPolicyRefusesLoopbackWithoutConnecting) {
  CannedServer server;
  for (const std::string host :
       {"127.0.0.1", "localhost", "[::1]", "127.1", "[::ffff:127.0.0.1]"}) {
    const auto result = fetch_url(server.url("/image", host), FetchLimits{});
    expect_error(result, "image_url_forbidden");
    if (!result) {
      EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
      EXPECT_NE(result.error().message.find("private or local network address"), std::string::npos);
      EXPECT_EQ(result.error().message.find("/image"), std::string::npos) << "path leaked";
    }
  }
  EXPECT_EQ(server.requests(), 0);
}

TEST(FetchUrl, DefaultPolicyRefusesMetadataAndPrivateAddressesWithoutConnecting) {
  // Refused before any socket exists: were a connection attempted, these would hang until
  // the connect timeout (or reach something) instead of failing at once.
  const auto start = Clock::now();
  const auto metadata = fetch_url("http://169.254.169.254/latest/meta-data/", FetchLimits{});
  expect_error(metadata, "image_url_forbidden");
  EXPECT_NE(metadata.error().message.find("(169.254.169.254)"), std::string::npos);
  const auto private_net = fetch_url("http://10.1.2.3/x.png", FetchLimits{});
  expect_error(private_net, "image_url_forbidden");
  EXPECT_EQ(private_net.error().message,
            "The image address http://10.1.2.3 resolves to a private or local network address "
            "(10.1.2.3), which pitchreel does not fetch from. Use a public URL or upload the "
            "image.");
  expect_error(fetch_url("http://[fe80::1]:8080/", FetchLimits{}), "image_url_forbidden");
  expect_error(fetch_url("https://100.64.0.7/", FetchLimits{}), "image_url_forbidden");
  expect_error(fetch_url("http://0.0.0.0:1/", FetchLimits{}), "image_url_forbidden");
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(FetchUrl, RefusesOtherSchemesAndCredentials) {
  CannedServer server;
  expect_error(
      fetch_url("ftp://127.0.0.1:" + std::to_string(server.port()) + "/x", loopback_allowed()),
      "image_url_invalid");
  expect_error(fetch_url("file:///etc/passwd", loopback_allowed()), "image_url_invalid");
  const auto credentials = fetch_url(
      "http://user:pass@127.0.0.1:" + std::to_string(server.port()) + "/image", loopback_allowed());
  expect_error(credentials, "image_url_invalid");
  EXPECT_EQ(credentials.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(server.requests(), 0);
}

TEST(FetchUrl, FollowsRedirects) {
  CannedServer server;
  const auto fetched = fetch_url(server.url("/redirect"), loopback_allowed());
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(body_text(*fetched), kImage);
  EXPECT_EQ(fetched->final_url, server.url("/image"));
  EXPECT_EQ(server.requests(), 2);
}

TEST(FetchUrl, RedirectToAHostNameIsResolvedAndPinned) {
  CannedServer server;
  const auto fetched = fetch_url(server.url("/redirect-to-localhost"), loopback_allowed());
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(body_text(*fetched), kImage);
}

TEST(FetchUrl, RefusesRedirectChainsLongerThanTheLimit) {
  CannedServer server;
  FetchLimits limits = loopback_allowed();
  limits.max_redirects = 3;
  const auto result = fetch_url(server.url("/hop/0"), limits);
  expect_error(result, "image_url_http_error");
  EXPECT_NE(result.error().message.find("more than 3"), std::string::npos);
  EXPECT_EQ(server.requests(), 4);  // the original request and three redirects

  limits.max_redirects = 0;
  expect_error(fetch_url(server.url("/redirect"), limits), "image_url_http_error");
}

TEST(FetchUrl, RefusesRedirectsToOtherSchemes) {
  CannedServer server;
  const auto to_file = fetch_url(server.url("/to-file"), loopback_allowed());
  expect_error(to_file, "image_url_invalid");
  EXPECT_NE(to_file.error().message.find("redirects"), std::string::npos);
  expect_error(fetch_url(server.url("/to-gopher"), loopback_allowed()), "image_url_invalid");
  EXPECT_EQ(server.requests(), 2);
}

TEST(FetchUrl, RefusesALargeContentLengthBeforeDownloading) {
  CannedServer server;
  FetchLimits limits = loopback_allowed();
  limits.max_bytes = 1 << 20;
  const auto start = Clock::now();
  const auto result = fetch_url(server.url("/huge"), limits);
  expect_error(result, "image_url_too_large");
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error().message.find("1 MB"), std::string::npos) << result.error().message;
  EXPECT_LT(Clock::now() - start, 1s);  // the server never sends a byte of body
}

TEST(FetchUrl, AbortsABodyWithoutLengthOnceItPassesTheCap) {
  CannedServer server;
  FetchLimits limits = loopback_allowed();
  limits.max_bytes = 1 << 20;
  for (const std::string path : {"/chunked", "/no-length"}) {
    const auto start = Clock::now();
    expect_error(fetch_url(server.url(path), limits), "image_url_too_large");
    EXPECT_LT(Clock::now() - start, 2s) << path;
  }
}

TEST(FetchUrl, AcceptsABodyExactlyAtTheCap) {
  CannedServer server;
  FetchLimits limits = loopback_allowed();
  limits.max_bytes = kImage.size();
  EXPECT_TRUE(fetch_url(server.url("/image"), limits));
  limits.max_bytes = kImage.size() - 1;
  expect_error(fetch_url(server.url("/image"), limits), "image_url_too_large");
}

TEST(FetchUrl, ATricklingServerTimesOut) {
  CannedServer server;
  FetchLimits limits = loopback_allowed();
  limits.connect_timeout_s = 1;
  limits.total_timeout_s = 1;
  const auto start = Clock::now();
  const auto result = fetch_url(server.url("/trickle"), limits);
  expect_error(result, "image_url_timeout");
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(FetchUrl, HttpErrorsNameTheStatus) {
  CannedServer server;
  const auto missing = fetch_url(server.url("/missing"), loopback_allowed());
  expect_error(missing, "image_url_http_error");
  EXPECT_EQ(missing.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(missing.error().message.find("HTTP 404"), std::string::npos);
  const auto busy = fetch_url(server.url("/server-error"), loopback_allowed());
  expect_error(busy, "image_url_http_error");
  EXPECT_EQ(busy.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(busy.error().message.find("HTTP 503"), std::string::npos);
}

TEST(FetchUrl, ConnectionRefusedIsUnreachable) {
  const auto result =
      fetch_url("http://127.0.0.1:" + std::to_string(closed_port()) + "/x", loopback_allowed());
  expect_error(result, "image_url_unreachable");
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
}

// The pin itself, one hop down: libcurl may only open sockets to the vetted addresses, and a
// name is looked up from the pinned entry, not DNS.
TEST(HttpHop, RefusesToConnectOutsideThePinnedAddresses) {
  CannedServer server;
  auto target = fetch::parse_target_url(server.url("/image"), "The image URL");
  ASSERT_TRUE(target);
  fetch::HopRequest request{*target, {fetch::IpAddress::v4(127, 0, 0, 2)}, 1 << 20, 2s, 4s};
  const auto response = fetch::run_hop(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, fetch::HopError::Kind::kPinViolation);
  EXPECT_EQ(response.error().refused_address, "127.0.0.1");
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpHop, UsesThePinnedAddressInsteadOfDns) {
  CannedServer server;
  auto target =
      fetch::parse_target_url(server.url("/image", "Images.PitchReel.INVALID"), "The image URL");
  ASSERT_TRUE(target);
  fetch::HopRequest request{*target, {fetch::IpAddress::v4(127, 0, 0, 1)}, 1 << 20, 2s, 4s};
  const auto response = fetch::run_hop(request);
  ASSERT_TRUE(response) << response.error().detail;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(std::string(response->body.begin(), response->body.end()), kImage);
}

TEST(FetchUrl, IsSafeToCallFromManyThreads) {
  CannedServer server;  // serves one connection at a time; the calls queue in its backlog
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (auto fetched = fetch_url(server.url("/image"), loopback_allowed());
          fetched && body_text(*fetched) == kImage) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
}

}  // namespace
}  // namespace pitchreel
