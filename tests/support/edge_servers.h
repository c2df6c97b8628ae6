// EdgeTtsServer: a local stand-in for the Edge read-aloud service on 127.0.0.1, over TLS
// with a certificate from a CA made at test time (test_ca.h), speaking the protocol with
// Boost.Beast as the client does:
//   GET  <base>/voices/list?...   a JSON voice list (HTTPS)
//   WSS  <base>/edge/v1?...       checks the Sec-MS-GEC token against the server's own
//        clock (the current five-minute window or the one before), the version, the
//        browser-like headers and the muid cookie; answers 403 with a Date header when the
//        token is wrong. Then it reads speech.config and the SSML, speaks the SSML's text
//        with espeak-ng, and streams it as real 24 kHz MP3 (libmp3lame) in binary frames
//        with one audio.metadata word boundary per word, between turn.start and turn.end.
// Faults: cut the connection in the middle of the audio, answer 403 to everything, or
// stall (stop sending after part of the audio until the client gives up).
// Every request is recorded for the test to inspect. Thread-safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/test_ca.h"
#include "support/test_support.h"
#include "tts/speech.h"

namespace pitchreel::testing {

class EdgeTtsServer {
 public:
  enum class Fault { kNone, kDisconnectMidStream, kForbidAlways, kStall };

  struct Request {
    std::string target;                          // path and query as received
    std::map<std::string, std::string> query;    // decoded query parameters
    std::map<std::string, std::string> headers;  // HTTP headers of the request/upgrade
    int status = 0;                              // 101, 200 or 403
    std::vector<std::string> messages;           // text frames received (WebSocket only)
  };

  explicit EdgeTtsServer(Fault fault = Fault::kNone);
  ~EdgeTtsServer();
  EdgeTtsServer(const EdgeTtsServer&) = delete;
  EdgeTtsServer& operator=(const EdgeTtsServer&) = delete;

  bool ok() const { return started_; }
  std::string base_url() const;  // wss://127.0.0.1:<port>/consumer/speech/synthesize/readaloud
  std::string ca_file() const { return pki_ ? pki_->ca_cert.string() : ""; }
  void set_fault(Fault fault) { fault_ = fault; }

  std::vector<Request> requests() const;
  // The speech of the last turn served, with espeak-ng's own word timings at 24 kHz.
  Speech last_speech() const;

 private:
  struct Impl;
  void accept_loop();

  TempDir dir_;
  std::optional<TestPki> pki_;
  std::unique_ptr<Impl> impl_;
  std::atomic<Fault> fault_;
  bool started_ = false;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::vector<int> open_fds_;
  std::vector<Request> requests_;
  Speech last_speech_;
};

}  // namespace pitchreel::testing
