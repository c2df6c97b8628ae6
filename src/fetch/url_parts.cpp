#include "fetch/url_parts.h"

#include "fetch/curl_handle.h"

namespace pitchreel::fetch {

std::optional<UrlParts> split_url(const std::string& url) {
  if (!ensure_curl_initialized()) return std::nullopt;
  CurlUrlPtr parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const auto part = [&](CURLUPart which) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(parsed.get(), which, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
    CurlStringPtr owned(raw);
    return owned.get();
  };
  UrlParts parts;
  parts.scheme = part(CURLUPART_SCHEME);
  parts.host = part(CURLUPART_HOST);
  parts.port = part(CURLUPART_PORT);
  parts.path = part(CURLUPART_PATH);
  parts.query = part(CURLUPART_QUERY);
  parts.user = part(CURLUPART_USER);
  return parts;
}

}  // namespace pitchreel::fetch
