// Settings of the Edge read-aloud backend (EDGE_TTS_* in core/config.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace pitchreel::edge {

// The service's base; synthesis is "<base>/edge/v1" (wss), the voice list
// "<base>/voices/list" (https).
inline constexpr std::string_view kDefaultBaseUrl =
    "wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud";

struct EdgeSettings {
  std::string base_url = std::string(kDefaultBaseUrl);  // EDGE_TTS_URL
  std::string ca_file;  // EDGE_TTS_CA_FILE: extra trust anchors for a proxy or a test server
  int connect_timeout_s = 10;
  int timeout_s = 60;       // one whole synthesis
  int idle_timeout_s = 15;  // no frame for this long = a stalled stream
  int unhealthy_after = 3;  // circuit breaker, as for Hallo3
  int probe_s = 30;
  std::filesystem::path voice_cache;  // the voice list's cache file; empty = no cache
  int voice_list_ttl_s = 86'400;
  // The wall clock the token is computed from; tests set one that is off.
  std::function<std::chrono::system_clock::time_point()> clock;

  std::string synthesis_url() const { return base_url + "/edge/v1"; }
  // https://... for wss://... (http:// for ws://).
  std::string voice_list_url() const;
  std::chrono::system_clock::time_point now() const {
    return clock ? clock() : std::chrono::system_clock::now();
  }
};

inline std::string EdgeSettings::voice_list_url() const {
  std::string url = base_url;
  if (url.rfind("wss://", 0) == 0) url.replace(0, 3, "https");
  else if (url.rfind("ws://", 0) == 0) url.replace(0, 2, "http");
  return url + "/voices/list";
}

}  // namespace pitchreel::edge
