// JwksRefresher: keeps the JWKS signing keys fresh from JWKS_URL. Identity providers
// rotate keys by publishing the new key and then signing with it, so a server that read
// the set once at start would start refusing every new token after a rotation.
//
// Contract:
// - `fetch` returns the JWKS document's text or an Error. Fetches never overlap: they run
//   one at a time, on the refresher's thread or on the thread of a request that met an
//   unknown key id.
// - Every `interval` the set is fetched again; when it parses, `on_keys` receives it. A
//   failed fetch or a document that does not parse keeps the previous keys (logged as a
//   warning), so a provider's hiccup never locks users out.
// - keys_for_unknown_kid(): a token names a key id we do not have; fetch now unless the last
//   fetch began less than `min_interval` ago (forged key ids cannot make us hammer the
//   provider), and return the newest set either way.
// - The destructor stops the background thread promptly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "auth/jwks.h"
#include "core/status.h"

namespace pitchreel {

class JwksRefresher {
 public:
  using Fetch = std::function<Result<std::string>()>;
  using OnKeys = std::function<void(std::shared_ptr<const JwksKeySet>)>;

  JwksRefresher(Fetch fetch, OnKeys on_keys, std::chrono::milliseconds interval,
                std::chrono::milliseconds min_interval);
  ~JwksRefresher();
  JwksRefresher(const JwksRefresher&) = delete;
  JwksRefresher& operator=(const JwksRefresher&) = delete;

  // Fetches and publishes the set now; the error (fetch or parse) is returned, not logged.
  Result<std::shared_ptr<const JwksKeySet>> refresh();
  // Starts the periodic refresh.
  void start();
  std::shared_ptr<const JwksKeySet> keys_for_unknown_kid();

 private:
  void run();

  Fetch fetch_;
  OnKeys on_keys_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds min_interval_;

  std::mutex fetch_mutex_;  // one fetch at a time; guards last_fetch_ and keys_
  std::optional<std::chrono::steady_clock::time_point> last_fetch_;
  std::shared_ptr<const JwksKeySet> keys_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mutex_
  std::thread thread_;
};

}  // namespace pitchreel
