#include "http/server.h"

#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/resource.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "core/notifier.h"

namespace pitchreel::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kFileChunk = 64 * 1024;
// The read buffer holds only what the parser has not consumed yet: at most a header block
// plus one read. Its cap also bounds what the header limit does not cover (a chunk header
// with an endless extension).
constexpr std::size_t kReadAhead = 64 * 1024;
constexpr unsigned kTicksPerPoll = 4;
// After a refusal, what a client still sends is read and dropped up to this much (and for
// at most 2 s), so the refusal reaches it; beyond that the connection is reset.
constexpr std::uint64_t kMaxDrain = 1 << 20;

class Connection;

// Event streams waiting for a Notifier: one thread per Notifier (in practice one) turns a
// change into a wake-up of every stream registered with it. The streams themselves hold
// no thread.
class StreamWatch {
 public:
  ~StreamWatch() { stop(); }

  void add(const Notifier* notifier, Connection* key, std::weak_ptr<Connection> conn) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    auto [it, created] = streams_.try_emplace(notifier);
    it->second.emplace(key, std::move(conn));
    if (created) threads_.emplace_back([this, notifier] { watch(notifier); });
  }

  void remove(const Notifier* notifier, Connection* key) {
    std::lock_guard lock(mutex_);
    if (auto it = streams_.find(notifier); it != streams_.end()) it->second.erase(key);
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    for (auto& t : threads_) t.join();
  }

 private:
  void watch(const Notifier* notifier);

  std::mutex mutex_;
  bool stopped_ = false;
  std::unordered_map<const Notifier*, std::unordered_map<Connection*, std::weak_ptr<Connection>>> streams_;
  std::vector<std::thread> threads_;
};

}  // namespace

struct Server::State {
  State(Limits l, Hooks h)
      : limits(l), hooks(std::move(h)), work(net::make_work_guard(ioc)), accept_work(net::make_work_guard(accept_ioc)),
        acceptor(accept_ioc) {}

  Limits limits;
  Hooks hooks;
  // Declared before the I/O objects: destroying those destroys the handlers still queued,
  // and with them the last connections, whose destructors use these.
  std::mutex mutex;  // guards the connection tables below
  std::condition_variable drained;
  std::size_t total = 0;
  std::unordered_map<std::string, std::size_t> per_client;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
  StreamWatch watch;

  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  // The acceptor has a thread and an io_context of its own. On the shared one, each accept
  // waited its turn behind every queued handler (10,000 streams' keep-alives, polls): the
  // kernel's accept queue (somaxconn, 4096 here) filled during a burst, handshakes were
  // dropped, and with SYN cookies on, those clients' later packets were discarded without
  // a reset, so they waited forever. Accepting is cheap; here it is never queued behind
  // route work, and accepted sockets go straight to a strand of `ioc`.
  net::io_context accept_ioc;
  net::executor_work_guard<net::io_context::executor_type> accept_work;
  tcp::acceptor acceptor;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  void accept();
  void on_accept(error_code ec, tcp::socket socket);
};

namespace {

std::string chunk(std::string_view data) { return fmt::format("{:x}\r\n{}\r\n", data.size(), data); }

// Header values come from routes (file names, ids); a CR or LF would split the answer.
std::string header_safe(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, Server::State& server, std::string address, int port)
      : stream_(std::move(socket)), server_(server), address_(std::move(address)), port_(port),
        buffer_(server.limits.max_header_bytes + kReadAhead) {}

  ~Connection() {
    if (watched_) server_.watch.remove(watched_, this);
    std::lock_guard lock(server_.mutex);
    if (auto it = server_.per_client.find(address_); it != server_.per_client.end() && --it->second == 0) {
      server_.per_client.erase(it);
    }
    --server_.total;
    server_.live.erase(this);
    server_.drained.notify_all();
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Shutdown: an idle connection closes now, a stream ends, a request in progress is
  // answered and then the connection closes.
  void on_stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->keep_alive_ = false;
      if (self->state_ == State::kReading) {
        self->close();
      } else if (self->state_ == State::kStreaming) {
        self->end_stream();
      } else if (self->state_ == State::kWaiting) {
        self->wake_deferred(true);
      }
    });
  }

  // From any thread: the stream's source changed.
  void notify() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kWaiting) return self->wake_deferred(false);
      self->wake(false);
    });
  }

 private:
  void wake(bool tick) {
    if (state_ != State::kStreaming || ending_) return;
    if (tick) tick_ = true;
    if (polling_) {
      poll_again_ = true;
      return;
    }
    last_poll_ = Clock::now();
    polling_ = true;
    const bool was_tick = std::exchange(tick_, false);
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), was_tick] {
      std::string out;
      bool more = false;
      try {
        more = self->stream_events_->poll(out);
      } catch (const std::exception& e) {
        spdlog::error("event stream failed what=\"{}\"", e.what());
      }
      net::dispatch(self->stream_.get_executor(), [self, out = std::move(out), more, was_tick]() mutable {
        self->on_polled(std::move(out), more, was_tick);
      });
    });
  }

  enum class State { kReading, kHandling, kWaiting, kWriting, kStreaming, kClosed };

  void watch(const Notifier* notifier) {
    if (!notifier) return;
    watched_ = notifier;
    server_.watch.add(notifier, this, weak_from_this());
  }
  void unwatch() {
    if (watched_) server_.watch.remove(std::exchange(watched_, nullptr), this);
  }

  const Limits& limits() const { return server_.limits; }

  void read_header() {
    state_ = State::kReading;
    if (server_.stopping) return close();
    if (buffer_.size() == 0) buffer_.shrink_to_fit();  // idle connections keep no buffer
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    parser_->body_limit(limits().max_body_bytes);
    arm_deadline(limits().header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec) return on_read_error(ec, /*in_body=*/false);
    deadline_.cancel();
    auto& msg = parser_->get();
    req_ = std::make_unique<Request>();
    req_->method = std::string(msg.method_string());
    req_->target = std::string(msg.target());
    req_->remote_addr = address_;
    req_->remote_port = port_;
    parse_target(*req_);
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    if (req_->target.size() > limits().max_header_line) {
      return refuse({414, "uri_too_long",
                     fmt::format("The request target is longer than {} bytes.", limits().max_header_line)});
    }
    std::size_t count = 0;
    for (const auto& field : msg) {
      if (++count > limits().max_headers) {
        return refuse({431, "headers_too_large",
                       fmt::format("The request has more than {} header fields.", limits().max_headers)});
      }
      if (field.name_string().size() + field.value().size() + 4 > limits().max_header_line) {
        return refuse({431, "headers_too_large",
                       fmt::format("A header line is longer than {} bytes.", limits().max_header_line)});
      }
      req_->headers.emplace(std::string(field.name_string()), std::string(field.value()));
    }
    if (parser_->is_done()) return dispatch();
    arm_deadline(limits().body_timeout);
    const auto expect = req_->get_header_value("Expect");
    if (strcasecmp(expect.c_str(), "100-continue") == 0) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code wec, std::size_t) {
                         if (wec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->on_read_error(ec, /*in_body=*/true);
      self->deadline_.cancel();
      self->req_->body = std::move(self->parser_->get().body());
      self->dispatch();
    });
  }

  // Header and body deadlines: a timer of our own that cancels the read, so the socket
  // stays open for the 408 (the stream's own timeout would close it first).
  void arm_deadline(std::chrono::seconds timeout) {
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->state_ != State::kReading) return;
      self->timed_out_ = true;
      error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void on_read_error(error_code ec, bool in_body) {
    deadline_.cancel();
    if (std::exchange(timed_out_, false)) ec = beast::error::timeout;
    if (ec == bhttp::error::header_limit) {
      return refuse({431, "headers_too_large",
                     fmt::format("The request's headers are larger than {} bytes.", limits().max_header_bytes)});
    }
    if (ec == bhttp::error::buffer_overflow) {
      if (!in_body) {
        return refuse({431, "headers_too_large",
                       fmt::format("The request's headers are larger than {} bytes.", limits().max_header_bytes)});
      }
      return refuse({400, "bad_request", "A chunk header of the request body is too long."});
    }
    if (ec == bhttp::error::body_limit) {
      return refuse({413, "body_too_large",
                     fmt::format("The request body is larger than the server accepts ({} MB). Send a smaller "
                                 "image (or an imageUrl).",
                                 limits().max_body_bytes >> 20)});
    }
    if (ec == beast::error::timeout) {
      // A connection that sent nothing since its last request is idle, not slow.
      if (!in_body && !parser_->got_some() && buffer_.size() == 0) return close();
      return refuse({408, "request_timeout",
                     fmt::format("The request did not arrive in time ({} s for the headers, {} s for the body).",
                                 limits().header_timeout.count(), limits().body_timeout.count())});
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == bhttp::error::partial_message ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset || server_.stopping) {
      return close();
    }
    refuse({400, "bad_request", "The request is not valid HTTP/1.1 (" + ec.message() + ")."});
  }

  void refuse(const Refusal& refusal) {
    if (!req_) {
      req_ = std::make_unique<Request>();
      req_->remote_addr = address_;
      req_->remote_port = port_;
    }
    auto res = std::make_unique<Response>();
    server_.hooks.refuse(*req_, *res, refusal);
    keep_alive_ = false;
    parser_.reset();
    req_.reset();
    respond(std::move(res), false, {}, false);
  }

  void dispatch() {
    parser_.reset();
    // Most connections then wait (for the next request, an event, a deferred answer): an
    // empty read buffer is given back now rather than held through the wait.
    if (buffer_.size() == 0) buffer_.shrink_to_fit();
    stream_.expires_never();
    state_ = State::kHandling;
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), req = std::move(req_)]() mutable {
      auto res = std::make_unique<Response>();
      try {
        self->server_.hooks.handle(*req, *res);
      } catch (const std::exception& e) {
        spdlog::error("http handler failed what=\"{}\"", e.what());
        *res = Response();
        res->status = 500;
      }
      const bool head = req->method == "HEAD";
      std::string first;
      bool more = false;
      if (auto& events = res->event_stream()) {
        try {
          more = events->poll(first);
        } catch (const std::exception& e) {
          spdlog::error("event stream failed what=\"{}\"", e.what());
        }
      } else if (res->deferred()) {
        poll_deferred(*res, Clock::now() >= res->deferred()->deadline);
      }
      req.reset();  // before the hop: a request's body can be large
      net::dispatch(self->stream_.get_executor(),
                [self, res = std::move(res), head, first = std::move(first), more]() mutable {
                  self->respond(std::move(res), head, std::move(first), more);
                });
    });
  }

  std::string status_line_and_headers(const Response& res, bool events) {
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", res.status, std::string_view(reason.data(), reason.size()));
    for (const auto& [name, value] : res.headers) {
      if (strcasecmp(name.c_str(), "Content-Length") == 0 || strcasecmp(name.c_str(), "Connection") == 0 ||
          strcasecmp(name.c_str(), "Transfer-Encoding") == 0) {
        continue;  // framing is the engine's
      }
      out += header_safe(name);
      out += ": ";
      out += header_safe(value);
      out += "\r\n";
    }
    if (events) {
      out += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    } else {
      out += fmt::format("Content-Length: {}\r\n", res.content_length());
      if (!keep_alive_) {
        out += "Connection: close\r\n";
      } else if (version_ == 10) {
        out += "Connection: keep-alive\r\n";
      }
      out += "\r\n";
    }
    return out;
  }

  void respond(std::unique_ptr<Response> res, bool head, std::string first, bool more) {
    if (state_ == State::kClosed) return;
    if (server_.stopping) keep_alive_ = false;
    res_ = std::move(res);
    if (auto& events = res_->event_stream()) {
      stream_events_ = std::move(*events);
      state_ = State::kStreaming;
      keep_alive_ = false;
      std::string out = status_line_and_headers(*res_, true);
      res_.reset();
      if (!first.empty()) out += chunk(first);
      queue(std::move(out));
      if (!more || server_.stopping) return end_stream();
      watch(stream_events_->wake);
      last_poll_ = Clock::now();
      arm_stream_timer(true);
      watch_for_close();
      return;
    }
    if (res_->deferred()) {
      deferred_ = std::move(*res_->deferred());
      res_->deferred().reset();
      state_ = State::kWaiting;
      keep_alive_ = false;
      watch(deferred_->wake);
      if (!keep_alive_timer_) keep_alive_timer_.emplace(stream_.get_executor());
      keep_alive_timer_->expires_at(deferred_->deadline);
      keep_alive_timer_->async_wait([self = shared_from_this()](error_code ec) {
        if (!ec && self->state_ == State::kWaiting) self->wake_deferred(true);
      });
      watch_for_close();
      return;
    }
    write_response(head);
  }

  void write_response(bool head) {
    state_ = State::kWriting;
    header_ = status_line_and_headers(*res_, false);
    stream_.expires_after(limits().write_timeout);
    if (head || !res_->has_pieces()) {
      std::array<net::const_buffer, 2> buffers{net::buffer(header_),
                                              head ? net::const_buffer() : net::buffer(res_->body)};
      net::async_write(stream_, buffers,
                       [self = shared_from_this()](error_code ec, std::size_t) { self->on_written(ec); });
      return;
    }
    net::async_write(stream_, net::buffer(header_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->piece_ = 0;
      self->piece_sent_ = 0;
      self->write_pieces();
    });
  }

  // The pieces of a streamed body, one buffer at a time, reading files as the client reads.
  void write_pieces() {
    const auto& pieces = res_->pieces();
    if (piece_ >= pieces.size()) return on_written({});
    stream_.expires_after(limits().write_timeout);
    const auto done = [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->close();
      self->piece_sent_ += n;
      self->write_pieces();
    };
    if (const auto* text = std::get_if<std::string>(&pieces[piece_])) {
      ++piece_;
      piece_sent_ = 0;
      net::async_write(stream_, net::buffer(*text), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->close();
        self->write_pieces();
      });
      return;
    }
    const auto& slice = std::get<FileSlice>(pieces[piece_]);
    if (piece_sent_ >= slice.length) {
      ++piece_;
      piece_sent_ = 0;
      return write_pieces();
    }
    file_buffer_.resize(kFileChunk);
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kFileChunk, slice.length - piece_sent_));
    const long got = slice.file->read_at(slice.offset + piece_sent_, file_buffer_.data(), want);
    if (got <= 0) {
      spdlog::warn("http file ended early remote={} offset={}", address_, slice.offset + piece_sent_);
      return close();  // the Content-Length promised more: the client must see a cut
    }
    net::async_write(stream_, net::buffer(file_buffer_.data(), static_cast<std::size_t>(got)), done);
  }

  void on_written(error_code ec) {
    res_.reset();
    header_.clear();
    file_buffer_.clear();
    file_buffer_.shrink_to_fit();
    if (ec) return close();
    if (keep_alive_ && !server_.stopping) return read_header();
    linger_close();
  }

  // ---- deferred replies

  // True once `res` holds the answer; a poll that throws answers 500.
  static bool poll_deferred(Response& res, bool final) {
    bool done = false;
    try {
      done = res.deferred()->poll(res, final);
    } catch (const std::exception& e) {
      spdlog::error("deferred reply failed what=\"{}\"", e.what());
      res.status = 500;
      done = true;
    }
    if (final && !done) {
      res.status = 504;  // the contract says final polls answer; never leave a client hanging
      done = true;
    }
    if (done) res.deferred().reset();
    return done;
  }

  void wake_deferred(bool final) {
    if (state_ != State::kWaiting) return;
    final_pending_ |= final;
    if (polling_) {
      poll_again_ = true;
      return;
    }
    polling_ = true;
    const bool is_final = std::exchange(final_pending_, false);
    res_->set_deferred(std::move(*deferred_));
    deferred_.reset();
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), is_final] {
      const bool done = poll_deferred(*self->res_, is_final);
      net::dispatch(self->stream_.get_executor(), [self, done] { self->on_deferred_polled(done); });
    });
  }

  void on_deferred_polled(bool done) {
    polling_ = false;
    if (!done) {
      deferred_ = std::move(*res_->deferred());
      res_->deferred().reset();
    }
    if (state_ != State::kWaiting) return;  // the client left meanwhile
    if (!done) {
      if (std::exchange(poll_again_, false) || final_pending_) wake_deferred(false);
      return;
    }
    unwatch();
    keep_alive_timer_->cancel();
    error_code ignored;
    stream_.socket().cancel(ignored);  // the read that watched for the client's close
    write_response(false);
  }

  // ---- event streams

  void queue(std::string data) {
    last_sent_ = Clock::now();
    outbox_.push_back(std::move(data));
    if (!writing_) write_next();
  }

  void write_next() {
    if (outbox_.empty()) {
      writing_ = false;
      if (ending_) linger_close();
      return;
    }
    writing_ = true;
    stream_.expires_after(limits().write_timeout);
    net::async_write(stream_, net::buffer(outbox_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->outbox_.pop_front();
      self->stream_.expires_never();
      self->write_next();
    });
  }

  void on_polled(std::string out, bool more, bool was_tick) {
    polling_ = false;
    if (state_ != State::kStreaming || ending_) return;
    if (out.empty() && was_tick) out = ": keep-alive\n\n";
    if (!out.empty()) queue(chunk(out));
    if (!more || server_.stopping) return end_stream();
    if (std::exchange(poll_again_, false)) wake(false);
  }

  void end_stream() {
    if (state_ != State::kStreaming || ending_) return;
    ending_ = true;
    unwatch();
    if (keep_alive_timer_) keep_alive_timer_->cancel();
    queue("0\r\n\r\n");
  }

  // The stream's one timer: the credential check, the keep-alive comment and the safety
  // poll all ride on it. Jittered, so that streams opened in one burst drift apart rather
  // than waking together every round (10,000 ticks at once delayed every other request).
  void arm_stream_timer(bool first) {
    if (!keep_alive_timer_) keep_alive_timer_.emplace(stream_.get_executor());
    const auto& ev = *stream_events_;
    auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(ev.keep_alive);
    if (ev.check) interval = std::min(interval, ev.check_every);
    interval = std::max(interval, std::chrono::milliseconds(100));
    thread_local std::minstd_rand random(std::random_device{}());
    std::uniform_real_distribution<double> jitter(first ? 0.2 : 0.8, first ? 1.0 : 1.2);
    keep_alive_timer_->expires_after(
        std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(interval.count()) * jitter(random))));
    keep_alive_timer_->async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->state_ != State::kStreaming || self->ending_) return;
      self->on_stream_tick();
    });
  }

  void on_stream_tick() {
    auto& ev = *stream_events_;
    if (ev.check) {
      std::string out;
      bool allowed = true;
      try {
        allowed = ev.check(out);
      } catch (const std::exception& e) {
        spdlog::error("event stream check failed what=\"{}\"", e.what());
      }
      if (!allowed) {
        if (!out.empty()) queue(chunk(out));
        return end_stream();
      }
    }
    const auto now = Clock::now();
    if (now - last_poll_ >= kTicksPerPoll * ev.keep_alive) {
      wake(true);  // a poll that appends nothing sends the keep-alive comment
    } else if (now - last_sent_ >= ev.keep_alive * 3 / 4 && !polling_) {  // ticks are jittered
      queue(chunk(": keep-alive\n\n"));
    }
    if (state_ == State::kStreaming && !ending_) arm_stream_timer(false);
  }

  // A stream's client sends nothing more; any read completing means it left (or broke
  // the protocol), and the stream ends without another poll.
  void watch_for_close() {
    stream_.socket().async_read_some(net::buffer(probe_), [self = shared_from_this()](error_code, std::size_t) {
      if ((self->state_ == State::kStreaming && !self->ending_) || self->state_ == State::kWaiting) self->close();
    });
  }

  // ---- closing

  // After an answer with "Connection: close": stop sending, then read (and drop) what the
  // client still sends for a moment, so that closing does not reset the connection and
  // destroy the answer before the client has read it (e.g. a 413 sent before the body).
  void linger_close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    error_code ignored;
    stream_.socket().cancel(ignored);  // a stream's or a wait's read for the client's close
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(probe_), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrain) {
        error_code ignored;
        self->stream_.socket().close(ignored);
        return;
      }
      self->drain();
    });
  }

  void close() {
    state_ = State::kClosed;
    deadline_.cancel();
    if (keep_alive_timer_) keep_alive_timer_->cancel();
    unwatch();
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server::State& server_;
  const std::string address_;
  const int port_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  net::steady_timer deadline_{stream_.get_executor()};
  bool timed_out_ = false;
  std::unique_ptr<Request> req_;
  State state_ = State::kReading;
  unsigned version_ = 11;
  bool keep_alive_ = false;

  std::unique_ptr<Response> res_;
  std::string header_;
  std::size_t piece_ = 0;
  std::uint64_t piece_sent_ = 0;
  std::vector<char> file_buffer_;

  std::optional<EventStream> stream_events_;
  std::optional<DeferredReply> deferred_;
  const Notifier* watched_ = nullptr;
  bool final_pending_ = false;
  Clock::time_point last_poll_{}, last_sent_{};
  std::optional<net::steady_timer> keep_alive_timer_;
  std::deque<std::string> outbox_;
  bool writing_ = false, polling_ = false, poll_again_ = false, tick_ = false, ending_ = false;
  std::array<char, 256> probe_{};
  std::uint64_t drained_ = 0;
};

void StreamWatch::watch(const Notifier* notifier) {
  auto seen = notifier->version();
  for (;;) {
    const auto now = notifier->wait_for_change(seen, std::chrono::milliseconds(200));
    std::vector<std::shared_ptr<Connection>> woken;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      if (now == seen) continue;
      for (const auto& [key, weak] : streams_[notifier]) {
        if (auto conn = weak.lock()) woken.push_back(std::move(conn));
      }
    }
    seen = now;
    for (auto& conn : woken) conn->notify();
  }
}

}  // namespace

void Server::State::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Server::State::on_accept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open() || stopping) return;
  if (ec) {
    // Out of descriptors, most likely: pause instead of spinning on the error.
    spdlog::warn("http accept failed error=\"{}\"", ec.message());
    auto timer = std::make_shared<net::steady_timer>(acceptor.get_executor(), std::chrono::milliseconds(100));
    timer->async_wait([this, timer](error_code) { accept(); });
    return;
  }
  error_code ignored;
  const auto remote = socket.remote_endpoint(ignored);
  std::string address = remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ignored);
  std::optional<Refusal> refusal;
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard lock(mutex);
    auto& mine = per_client[address];
    if (total >= limits.max_connections) {
      refusal = Refusal{503, "too_many_connections", "The server holds as many connections as it can. Try again shortly."};
    } else if (mine >= limits.max_connections_per_client) {
      refusal = Refusal{503, "too_many_connections",
                        fmt::format("This address already holds {} connections, the most the server allows one "
                                    "client. Close some (or reuse them) and try again.",
                                    limits.max_connections_per_client)};
    } else {
      ++mine;
      ++total;
      conn = std::make_shared<Connection>(std::move(socket), *this, address, remote.port());
      live.emplace(conn.get(), conn);
    }
    if (refusal && mine == 0) per_client.erase(address);
  }
  if (conn) {
    conn->start();
  } else {
    // Refused without reading the request: one small write that fits the socket buffer,
    // then the connection is closed. No state is kept for it.
    Request req;
    req.remote_addr = address;
    req.remote_port = remote.port();
    Response res;
    hooks.refuse(req, res, *refusal);
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", res.status, std::string_view(reason.data(), reason.size()));
    for (const auto& [name, value] : res.headers) out += header_safe(name) + ": " + header_safe(value) + "\r\n";
    out += fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n", res.body.size()) + res.body;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(out), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
  accept();
}

Server::Server(Limits limits, Hooks hooks) : state_(std::make_shared<State>(limits, std::move(hooks))) {
  // Each connection is a descriptor: raise the soft limit to the hard one, as servers do.
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

Server::~Server() {
  if (!state_->stopping) stop(std::chrono::seconds(0));
}

Result<int> Server::bind(const std::string& host, int port) {
  error_code ec;
  tcp::resolver resolver(state_->ioc);
  const auto results = resolver.resolve(host, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  auto& acceptor = state_->acceptor;
  for (const auto& entry : results) {
    error_code step;
    acceptor.open(entry.endpoint().protocol(), step);
    if (!step) acceptor.set_option(net::socket_base::reuse_address(true), step);
    if (!step) acceptor.bind(entry.endpoint(), step);
    // The widest accept queue: bursts of clients must not have their handshakes dropped.
    if (!step) acceptor.listen(net::socket_base::max_listen_connections, step);
    if (!step) {
      state_->accept();
      return acceptor.local_endpoint().port();
    }
    error_code ignored;
    acceptor.close(ignored);
    ec = step;
  }
  return fail(Error::invalid("listen_failed", "Cannot listen on " + host + ":" + std::to_string(port) + " (" +
                                                  (ec ? ec.message() : "no such address") +
                                                  "). Choose another --listen address."));
}

void Server::run() {
  std::vector<std::thread> extra;
  for (std::size_t i = 1; i < std::max<std::size_t>(1, state_->limits.threads); ++i) {
    extra.emplace_back([state = state_] { state->ioc.run(); });
  }
  state_->accept_thread = std::thread([state = state_] { state->accept_ioc.run(); });
  state_->ioc.run();
  for (auto& t : extra) t.join();
  state_->accept_thread.join();
}

void Server::stop(std::chrono::seconds grace) {
  auto& s = *state_;
  if (s.stopping.exchange(true)) return;
  net::post(s.acceptor.get_executor(), [state = state_] {
    error_code ignored;
    state->acceptor.close(ignored);
  });
  s.accept_work.reset();  // the accept thread ends once the acceptor's last handler has run
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(s.mutex);
    for (const auto& [key, weak] : s.live) {
      if (auto conn = weak.lock()) open.push_back(std::move(conn));
    }
  }
  for (auto& conn : open) conn->on_stop();
  open.clear();
  s.watch.stop();
  {
    std::unique_lock lock(s.mutex);
    s.drained.wait_for(lock, grace, [&] { return s.total == 0; });
  }
  s.work.reset();
  s.ioc.stop();
}

}  // namespace pitchreel::http
