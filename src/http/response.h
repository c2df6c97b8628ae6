// Response: what a route answers, whatever engine sends it. The member names follow the
// ones routes have always used (status, set_header, set_content).
//
// A body is one of: text in memory (`body`), a sequence of pieces (text and slices of open
// files, streamed as the client reads them, never loaded whole), or an event stream. An
// answer can also be deferred until something happens (DeferredReply). The
// engine sets Content-Length (or chunked framing for event streams) itself; routes must not.
// A plain value owned by the engine for one request; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/event_stream.h"
#include "http/headers.h"
#include "http/open_file.h"

namespace pitchreel::http {

class Response;

// `length` bytes of `file` from `offset` (both within the file's size).
struct FileSlice {
  std::shared_ptr<const OpenFile> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
using BodyPiece = std::variant<std::string, FileSlice>;

// An answer that waits for something to happen (the seed's "answer once the video is ready"),
// without holding a thread while it waits. `poll` is called on a handler thread right after
// the route returns, after every change of `wake`, and once more at `deadline` with
// final=true; it fills the Response it is given and returns true once the answer is ready
// (it must be ready when final is true). Calls never overlap. The connection closes after
// the answer; a client that leaves first ends the wait without another call.
struct DeferredReply {
  std::function<bool(Response& res, bool final)> poll;
  const Notifier* wake = nullptr;
  std::chrono::steady_clock::time_point deadline;
};

class Response {
 public:
  int status = 200;
  Headers headers;
  std::string body;

  // Replaces any earlier value of `name`.
  void set_header(std::string_view name, std::string value);
  bool has_header(std::string_view name) const { return headers.find(name) != headers.end(); }
  std::string get_header_value(std::string_view name) const { return header_value(headers, name); }

  void set_content(std::string content, std::string_view content_type);
  void set_content(const char* data, std::size_t size, std::string_view content_type);
  // A body streamed from its pieces, in order.
  void set_pieces(std::vector<BodyPiece> pieces, std::string_view content_type);
  void set_event_stream(EventStream stream);
  void set_deferred(DeferredReply reply) { deferred_ = std::move(reply); }

  const std::vector<BodyPiece>& pieces() const { return pieces_; }
  bool has_pieces() const { return streamed_; }
  // The stream, when the route opened one (the engine moves it out).
  std::optional<EventStream>& event_stream() { return event_stream_; }
  std::optional<DeferredReply>& deferred() { return deferred_; }
  // The body's size in bytes (0 for event streams).
  std::uint64_t content_length() const;

 private:
  std::vector<BodyPiece> pieces_;
  bool streamed_ = false;
  std::optional<EventStream> event_stream_;
  std::optional<DeferredReply> deferred_;
};

}  // namespace pitchreel::http
