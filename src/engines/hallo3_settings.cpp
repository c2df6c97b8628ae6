#include "engines/hallo3_settings.h"

#include <fmt/format.h>

#include "fetch/url_parts.h"

namespace pitchreel {

Hallo3Settings hallo3_settings(const ServiceConfig& c) {
  Hallo3Settings s;
  s.url = c.hallo3_url;
  while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
  s.protocol = c.hallo3_protocol == "async" ? Hallo3Protocol::kAsync : Hallo3Protocol::kSeed;
  s.api_key = c.hallo3_api_key;
  s.connect_timeout_s = c.connect_timeout_s;
  s.timeout_s = c.hallo3_timeout_s;
  s.poll_s = c.hallo3_poll_s;
  s.image_px = c.hallo3_image_px;
  s.unhealthy_after = c.hallo3_unhealthy_after;
  s.probe_s = c.hallo3_probe_s;
  s.retry.attempts = c.remote_attempts;
  return s;
}

fetch::BackendInfo hallo3_backend(const Hallo3Settings& s) {
  return {"the Hallo3 server", "gpu", s.url, "HALLO3_URL", "HALLO3_API_KEY", "HALLO3_TIMEOUT_S"};
}

Status check_hallo3_url(const std::string& url) {
  if (url.empty()) {
    return fail(Error::invalid("gpu_not_configured",
                               "The hallo3 engine needs a Hallo3 GPU server, but HALLO3_URL is not "
                               "set. Set it to http://HOST:PORT of the server, or use the cpu "
                               "engine."));
  }
  const std::string shown = fetch::display_url(url);
  for (const char* placeholder : {"your-gpu", "your_gpu", "example.com", "<", "YOUR"}) {
    if (url.find(placeholder) != std::string::npos) {
      return fail(Error::invalid(
          "gpu_misconfigured",
          fmt::format("HALLO3_URL is still a placeholder ({}). Put the address of your GPU server "
                      "there, e.g. http://203.0.113.7:8000.",
                      shown)));
    }
  }
  const auto parts = fetch::split_url(url);
  if (!parts) {
    return fail(Error::invalid("gpu_misconfigured",
                               fmt::format("HALLO3_URL ({}) is not a valid URL. Use "
                                           "http://HOST:PORT, e.g. http://203.0.113.7:8000.",
                                           shown)));
  }
  if (parts->scheme != "http" && parts->scheme != "https") {
    return fail(
        Error::invalid("gpu_misconfigured",
                       fmt::format("HALLO3_URL ({}) must start with http:// or https://.", shown)));
  }
  return {};
}

}  // namespace pitchreel
