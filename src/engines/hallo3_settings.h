// How pitchreel reaches a Hallo3 GPU server (HALLO3_* settings, see core/config.h).
#pragma once

#include <string>

#include "core/config.h"
#include "fetch/backend_call.h"
#include "fetch/backend_failure.h"

namespace pitchreel {

enum class Hallo3Protocol {
  kSeed,   // POST {url}/generate, multipart image + audio, answers video/mp4
  kAsync,  // POST {url}/run (base64 JSON) -> id; GET {url}/status/{id} until COMPLETED
};

struct Hallo3Settings {
  std::string url;
  Hallo3Protocol protocol = Hallo3Protocol::kSeed;
  std::string api_key;
  int connect_timeout_s = 10;
  int timeout_s = 1200;
  double poll_s = 2;
  int image_px = 512;
  int unhealthy_after = 3;
  double probe_s = 30;
  fetch::RetryPolicy retry;
};

Hallo3Settings hallo3_settings(const ServiceConfig& config);
fetch::BackendInfo hallo3_backend(const Hallo3Settings& settings);

// Shared by the engine, the API, the CLI and doctor: HALLO3_URL set, an
// http(s) URL, not the seed's placeholder. "gpu_not_configured" / "gpu_misconfigured".
Status check_hallo3_url(const std::string& url);

}  // namespace pitchreel
