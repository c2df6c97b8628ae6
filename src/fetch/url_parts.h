// split_url: the parts of a URL as libcurl itself reads them, with no policy applied, for
// settings that name a server (S3_ENDPOINT, HALLO3_URL) and must be checked the way the
// requests will later be sent. User-supplied URLs go through target_url.h instead.
// Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>

namespace pitchreel::fetch {

struct UrlParts {
  std::string scheme;    // lower case, as libcurl normalises it ("http", "https", "ftp", ...)
  std::string host;      // as written; an IPv6 literal keeps its brackets
  std::string port;      // empty unless the URL names one
  std::string path;      // "/" when the URL has none
  std::string query;     // without '?'; empty when absent
  std::string user;      // empty when absent
};

// nullopt: libcurl cannot parse `url` (or libcurl could not start).
std::optional<UrlParts> split_url(const std::string& url);

}  // namespace pitchreel::fetch
