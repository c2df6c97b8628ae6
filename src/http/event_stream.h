// EventStream: a server-sent event stream (text/event-stream) that costs no thread while
// it is idle. Instead of a handler that loops and blocks, the route hands the engine a
// `poll` function; the engine calls it on one of its threads when the stream opens, after
// every change of `wake`, and every 4th `keep_alive` interval, and sends what it
// appended. Between calls the stream is only a socket and a timer.
//
// `check` (optional) is the stream's cheap re-validation, typically of the credential
// that opened it: the engine calls it every `check_every`, and once it returns false the
// stream ends after what it appended has been sent (poll is not called again). A revoked
// key therefore ends its streams within `check_every` plus the credential cache's bound.
//
// The stream's timer fires at jittered intervals (within ±20 %, the first one anywhere in
// the first interval), so streams opened in one burst do not tick in one burst forever.
//
// Contract: calls to `poll` and `check` for one stream never overlap; neither may block
// for long (they run on the server's shared threads). Returning false from `poll` ends
// the stream once `out` has been sent. A client that disconnects ends the stream without
// another call. `wake` must outlive the server (it is a ServiceContext member).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/notifier.h"

namespace pitchreel::http {

struct EventStream {
  std::function<bool(std::string& out)> poll;
  const Notifier* wake = nullptr;
  // Every `keep_alive` without a change a ": keep-alive" comment is sent so proxies do not
  // close a quiet stream; every 4th time `poll` is called as well (in case a change was
  // not announced), and the comment is sent only if it appended nothing.
  std::chrono::seconds keep_alive{15};
  std::function<bool(std::string& out)> check;
  std::chrono::milliseconds check_every{3000};
};

}  // namespace pitchreel::http
