// TargetUrl: a URL a user (or a redirect) asked pitchreel to download, after the checks that
// need no network: http or https only, well formed, an ASCII host, no credentials. `host` and
// `url` are libcurl's own normalisation, so the name the SSRF check resolves is the name
// libcurl will look up (and the connection is pinned besides).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel::fetch {

struct TargetUrl {
  std::string url;     // normalised; what libcurl requests
  std::string scheme;  // "http" or "https"
  std::string host;    // ASCII (IDNs only in xn-- form), lower case, IPv6 without brackets
  int port = 0;        // explicit or the scheme's default

  // scheme://host[:port] with no path or query: URLs may carry signed tokens, so user-facing
  // messages and logs name only this part.
  std::string origin() const;
};

// `subject` starts the error sentence, e.g. "The image URL" or "The image URL's redirect";
// `what` names the download ("image", "music") in the code and the advice.
// Errors: Error::invalid "{what}_url_invalid" with a message saying what to change.
Result<TargetUrl> parse_target_url(const std::string& url, std::string_view subject,
                                   std::string_view what = "image");

}  // namespace pitchreel::fetch
