// http_call's streaming and connection options against a real cpp-httplib server on
// 127.0.0.1: a body read from a file range, an answer streamed to a sink, the stall timeout,
// HEAD, and kept-alive connection reuse (seen as the client port the server reports).
#include "fetch/http_call.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

#include "support/loopback_server.h"
#include "support/test_support.h"

namespace pitchreel::fetch {
namespace {

using namespace std::chrono_literals;

std::string pattern_bytes(std::size_t n) {
  std::string bytes(n, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& c : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return bytes;
}

// An open file descriptor, closed at the end of the test.
struct OpenFile {
  explicit OpenFile(const std::filesystem::path& path) : fd(::open(path.c_str(), O_RDONLY)) {}
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

class HttpCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& http = server_.http();
    // Kept-alive connections hold the server's stop() until they time out.
    http.set_keep_alive_timeout(2);
    http.Put("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      received_ = req.body;
      content_length_ = req.get_header_value("Content-Length");
      content_type_ = req.get_header_value("Content-Type");
      res.set_content("stored", "text/plain");
    });
    http.Get("/big", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(big_, "application/octet-stream");
    });
    http.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("<Error><Code>NoSuchKey</Code></Error>", "application/xml");
    });
    http.Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    // Sends nothing until the test releases it (or 60 s pass): a stalled server.
    http.Get("/stall", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      released_.wait_for(lock, 60s, [this] { return release_; });
      res.set_content("late", "text/plain");
    });
    ASSERT_TRUE(server_.start());
  }
  void TearDown() override {
    {
      std::lock_guard lock(mutex_);
      release_ = true;
    }
    released_.notify_all();
    server_.stop();
  }

  CallRequest request(const std::string& method, const std::string& path) const {
    CallRequest r;
    r.method = method;
    r.url = server_.url() + path;
    r.total_timeout = 30s;
    return r;
  }

  testing::LoopbackServer server_;
  testing::TempDir dir_;
  const std::string big_ = pattern_bytes(3u << 20);
  std::mutex mutex_;
  std::condition_variable released_;
  bool release_ = false;
  std::string received_, content_length_, content_type_;
};

TEST_F(HttpCallTest, BodySourceSendsExactlyTheFileRange) {
  const std::string bytes = pattern_bytes(2u << 20);
  testing::write_file(dir_.path() / "part.bin", bytes);
  OpenFile file(dir_.path() / "part.bin");
  ASSERT_GE(file.fd, 0);
  auto r = request("PUT", "/echo");
  const std::uint64_t offset = 12345, length = (1u << 20) + 17;
  r.body_source = file_range_source(file.fd, offset, length);
  const auto answer = http_call(r);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->status, 200);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(content_length_, std::to_string(length));
  EXPECT_EQ(content_type_, "") << "a streamed body gets no form Content-Type";
  EXPECT_TRUE(received_ == bytes.substr(offset, length)) << "the range arrived altered";
}

TEST_F(HttpCallTest, MemorySourceAndAnEmptyBodyAreSent) {
  auto r = request("PUT", "/echo");
  const std::string text = "poster bytes";
  r.body_source = memory_source(text);
  ASSERT_TRUE(http_call(r));
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(received_, text);
  }
  r.body_source = memory_source("");
  ASSERT_TRUE(http_call(r));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(received_, "");
  EXPECT_EQ(content_length_, "0");
}

TEST_F(HttpCallTest, AFileShorterThanItsRangeFailsAsSourceFailed) {
  testing::write_file(dir_.path() / "short.bin", "only a few bytes");
  OpenFile file(dir_.path() / "short.bin");
  auto r = request("PUT", "/echo");
  r.body_source = file_range_source(file.fd, 0, 1u << 20);
  const auto answer = http_call(r);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, CallFailure::Kind::kSourceFailed) << to_string(answer.error().kind);
}

TEST_F(HttpCallTest, SinkReceivesTheWholeAnswerWithItsStatus) {
  auto r = request("GET", "/big");
  r.max_bytes = 1024;  // applies to kept bodies only: the sink decides what it keeps
  std::string streamed;
  std::set<long> statuses;
  int pieces = 0;
  r.body_sink = [&](long status, std::string_view piece) {
    statuses.insert(status);
    streamed.append(piece);
    ++pieces;
    return true;
  };
  const auto answer = http_call(r);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->status, 200);
  EXPECT_TRUE(answer->body.empty());
  EXPECT_TRUE(streamed == big_) << "got " << streamed.size() << " bytes";
  EXPECT_GT(pieces, 1) << "a 3 MiB answer arrives in pieces";
  EXPECT_EQ(statuses, std::set<long>{200});

  auto missing = request("GET", "/missing");
  std::string error_page;
  long seen = 0;
  missing.body_sink = [&](long status, std::string_view piece) {
    seen = status;
    error_page.append(piece);
    return true;
  };
  const auto not_found = http_call(missing);
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404);
  EXPECT_EQ(seen, 404);
  EXPECT_EQ(error_page, "<Error><Code>NoSuchKey</Code></Error>");
}

TEST_F(HttpCallTest, ASinkThatRefusesAbortsTheCall) {
  auto r = request("GET", "/big");
  std::size_t taken = 0;
  r.body_sink = [&](long, std::string_view piece) {
    if (taken > 0) return false;  // e.g. the disk filled up after the first piece
    taken += piece.size();
    return true;
  };
  const auto answer = http_call(r);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, CallFailure::Kind::kSinkFailed) << to_string(answer.error().kind);
  EXPECT_LT(taken, big_.size());
}

TEST_F(HttpCallTest, StallTimeoutEndsACallInWhichNothingMoves) {
  auto r = request("GET", "/stall");
  r.total_timeout = std::chrono::milliseconds::max();  // no total limit: only the stall ends it
  r.stall_timeout = 800ms;
  const auto answer = http_call(r);
  ASSERT_FALSE(answer) << "the server answered after its 60 s wait: the stall went unnoticed";
  EXPECT_EQ(answer.error().kind, CallFailure::Kind::kTimeout) << to_string(answer.error().kind);
  EXPECT_NE(answer.error().detail.find("nothing moved for 800 ms"), std::string::npos)
      << answer.error().detail;
}

TEST_F(HttpCallTest, HeadReturnsWithoutWaitingForTheAnnouncedBody) {
  auto r = request("HEAD", "/big");
  r.total_timeout = 20s;
  const auto answer = http_call(r);
  ASSERT_TRUE(answer) << to_string(answer.error().kind) << ": " << answer.error().detail;
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->headers.at("content-length"), std::to_string(big_.size()));
  EXPECT_TRUE(answer->body.empty());
}

// The port the server saw for each of three consecutive calls from this thread.
std::set<std::string> client_ports(const CallRequest& r) {
  std::set<std::string> ports;
  for (int i = 0; i < 3; ++i) {
    const auto answer = http_call(r);
    if (!answer) {
      ADD_FAILURE() << answer.error().detail;
      continue;
    }
    ports.insert(std::string(answer->body.begin(), answer->body.end()));
  }
  return ports;
}

TEST_F(HttpCallTest, ReuseKeepsOneConnectionAcrossCallsOnAThread) {
  auto r = request("GET", "/port");
  r.reuse_connection = true;
  EXPECT_EQ(client_ports(r).size(), 1u) << "consecutive calls reuse the kept-alive connection";
  r.reuse_connection = false;
  EXPECT_EQ(client_ports(r).size(), 3u) << "without reuse, each call has its own connection";
  r.reuse_connection = true;
  r.pinned = std::vector<IpAddress>{*IpAddress::parse("127.0.0.1")};
  EXPECT_EQ(client_ports(r).size(), 3u) << "a pinned call never rides a kept connection";
}

}  // namespace
}  // namespace pitchreel::fetch
