// The HTTP engine itself (http::Server: Beast's parser under our limits, deadlines,
// framing, Expect, refusals, streamed file slices, event streams), fed raw bytes over a
// loopback connection exactly as a client would send them. The server runs for the whole
// fuzzing session, with small limits so that they are reached often. Each input is one
// connection: its bytes are sent, the client's side is shut down, and the answer is read
// until the server closes. The server must close (and so end every request) within the
// deadline: a connection left hanging aborts the run, as would a crash inside the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "http/byte_ranges.h"
#include "http/multipart.h"
#include "http/server.h"

namespace {

using namespace pitchreel;

struct Fixture {
  std::unique_ptr<http::Server> server;
  std::thread thread;
  int port = 0;
  std::shared_ptr<const http::OpenFile> file;
};

Fixture* fixture = nullptr;

void handle(http::Request& req, http::Response& res) {
  if (req.path == "/file") {
    // As /files does: a Range header picks slices of an open file.
    const auto ranges = http::parse_byte_ranges(req.get_header_value("Range"), fixture->file->size());
    if (ranges.kind == http::RangeRequest::Kind::kUnsatisfiable) {
      res.status = 416;
      return;
    }
    std::vector<http::BodyPiece> pieces;
    if (ranges.kind == http::RangeRequest::Kind::kWhole) {
      pieces.emplace_back(http::FileSlice{fixture->file, 0, fixture->file->size()});
    } else {
      res.status = 206;
      for (const auto& r : ranges.ranges) {
        pieces.emplace_back("--b\r\n");
        pieces.emplace_back(http::FileSlice{fixture->file, r.first, r.length()});
      }
    }
    res.set_pieces(std::move(pieces), "application/octet-stream");
    return;
  }
  if (req.path == "/events") {
    http::EventStream stream;
    stream.poll = [n = 0](std::string& out) mutable {
      out += "data: " + std::to_string(n) + "\n\n";
      return ++n < 2;
    };
    stream.check = [](std::string&) { return true; };
    stream.check_every = std::chrono::milliseconds(100);
    res.set_event_stream(std::move(stream));
    return;
  }
  if (req.is_multipart_form_data()) {
    auto parts = http::parse_multipart(req.get_header_value("Content-Type"), req.body);
    res.status = parts ? 200 : 400;
    res.set_content(parts ? std::to_string(parts->size()) : parts.error().message, "text/plain");
    return;
  }
  std::string echo = req.method + " " + req.path + " " + std::to_string(req.headers.size()) + " " +
                     std::to_string(req.params.size()) + " " + std::to_string(req.body.size());
  res.set_header("X-Echo", req.get_header_value("X-Echo"));  // header values from clients: must not split
  res.set_content(std::move(echo), "text/plain");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture;
  const auto path = std::filesystem::temp_directory_path() / ("pitchreel-fuzz-" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 5000; ++i) out << "0123456789abcdef0123";
  }
  fixture->file = http::OpenFile::open(path);
  std::filesystem::remove(path);  // the descriptor keeps it readable
  http::Limits limits;
  limits.max_body_bytes = 64 * 1024;
  limits.max_header_bytes = 4096;
  limits.max_header_line = 1024;
  limits.max_headers = 20;
  limits.header_timeout = std::chrono::seconds(2);
  limits.body_timeout = std::chrono::seconds(2);
  limits.write_timeout = std::chrono::seconds(2);
  limits.threads = 4;
  http::Server::Hooks hooks;
  hooks.handle = handle;
  hooks.refuse = [](const http::Request&, http::Response& res, const http::Refusal& refusal) {
    res.status = refusal.status;
    res.set_content("{\"code\":\"" + refusal.code + "\"}", "application/json");
  };
  fixture->server = std::make_unique<http::Server>(limits, hooks);
  auto port = fixture->server->bind("127.0.0.1", 0);
  if (!port) std::abort();
  fixture->port = *port;
  fixture->thread = std::thread([] { fixture->server->run(); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(fixture->port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  // libFuzzer's timeout alarm (SIGALRM every timeout/2 + 1 s, without SA_RESTART) can
  // interrupt connect(): the handshake then goes on by itself, and connect() says so
  // (EALREADY) until it is done (EISCONN). Only a real failure aborts the run.
  while (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EISCONN) {
    if (errno != EINTR && errno != EALREADY && errno != EINPROGRESS) {
      std::fprintf(stderr, "cannot connect to the server: %s\n", std::strerror(errno));
      std::abort();
    }
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 100);
  }
  // Send while reading, so that a large answer cannot block the sender.
  std::size_t sent = 0;
  bool shut = false;
  char buffer[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  for (;;) {
    if (sent == size && !shut) {
      ::shutdown(fd, SHUT_WR);
      shut = true;
    }
    pollfd p{fd, static_cast<short>(POLLIN | (shut ? 0 : POLLOUT)), 0};
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "the server kept the connection open past the deadline\n");
      std::abort();
    }
    if (::poll(&p, 1, 100) <= 0) continue;
    if (p.revents & POLLIN) {
      const auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // closed (or reset) by the server: the request is over
    }
    if (!shut && (p.revents & POLLOUT)) {
      const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        // EAGAIN or EINTR: try again at the next poll; anything else: the server refused
        // and closed, so stop sending.
        if (errno != EAGAIN && errno != EINTR) sent = size;
      } else {
        sent += static_cast<std::size_t>(n);
      }
    }
    if (p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLIN)) break;
  }
  ::close(fd);
  return 0;
}
