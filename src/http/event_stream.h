// EventStream: a server-sent event stream (text/event-stream) that costs no thread while
// it is idle. Instead of a handler that loops and blocks, the route hands the engine a
// `poll` function; the engine calls it on a handler thread when the stream opens, after
// every change of `wake`, and every `keep_alive` when nothing changed, and sends what it
// appended. Between calls the stream is only a socket and a timer.
//
// Contract: calls to `poll` for one stream never overlap; `poll` must not block for long
// (it runs on the shared handler pool). Returning false ends the stream once `out` has
// been sent. A client that disconnects ends the stream without another call. `wake` must
// outlive the server (it is a ServiceContext member).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/notifier.h"

namespace pitchreel::http {

struct EventStream {
  std::function<bool(std::string& out)> poll;
  const Notifier* wake = nullptr;
  // When poll appended nothing for this long, a ": keep-alive" comment is sent so proxies
  // do not close a quiet stream.
  std::chrono::seconds keep_alive{15};
};

}  // namespace pitchreel::http
