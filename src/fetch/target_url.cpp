#include "fetch/target_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "fetch/curl_handle.h"

namespace pitchreel::fetch {
namespace {

// Far above any real image URL; stops pathological input before libcurl sees it.
constexpr std::size_t kMaxUrlLength = 8192;

Error invalid(std::string_view subject, std::string_view problem, std::string_view what) {
  return Error::invalid(fmt::format("{}_url_invalid", what),
                        fmt::format("{} {} Use a public http:// or https:// {} URL, or upload "
                                    "the {}.",
                                    subject, problem, what, what));
}

// The RFC 3986 scheme before the first ':', lower-cased; empty when there is none. Read by hand
// so that refusing e.g. "file:" or "gopher:" does not depend on libcurl's parser accepting it.
std::string leading_scheme(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 32) return {};
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    const bool ok =
        std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
    scheme.push_back(static_cast<char>(std::tolower(c)));
  }
  return scheme;
}

// Copies one part of the parsed URL into `out`; false when the URL has no such part.
bool get_part(CURLU* handle, CURLUPart part, unsigned flags, std::string& out) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK) return false;
  CurlStringPtr owned(raw);
  out = raw != nullptr ? raw : "";
  return true;
}

}  // namespace

std::string TargetUrl::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  std::string text = scheme + "://" + (v6 ? "[" + host + "]" : host);
  if (!default_port) text += ":" + std::to_string(port);
  return text;
}

Result<TargetUrl> parse_target_url(const std::string& url, std::string_view subject,
                                   std::string_view what) {
  if (url.empty()) return fail(invalid(subject, "is empty.", what));
  if (url.size() > kMaxUrlLength) return fail(invalid(subject, "is too long.", what));
  if (url.find('\0') != std::string::npos) return fail(invalid(subject, "is not a valid URL.", what));

  const std::string scheme = leading_scheme(url);
  if (scheme.empty()) {
    return fail(invalid(subject, "is not a full URL (it must start with http:// or https://).", what));
  }
  if (scheme != "http" && scheme != "https") {
    return fail(invalid(subject, fmt::format("uses {}:, which pitchreel does not fetch.", scheme), what));
  }
  if (!ensure_curl_initialized()) {
    return fail(Error::internal("curl_init_failed", "libcurl could not be initialised."));
  }

  CurlUrlPtr handle(curl_url());
  if (!handle) return fail(Error::internal("out_of_memory", "Out of memory parsing a URL."));
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return fail(invalid(subject, "is not a valid URL.", what));
  }
  // libcurl's normalisation is not a fixed point: a host it percent-decodes ("7%3886") is not
  // normalised further in the same pass, but the URL it hands on ("http://7886/") is, when
  // read again ("0.0.30.206"). The parts are taken from that second reading, which is what
  // libcurl will request, so what is checked and what is fetched agree.
  std::string first_pass;
  if (!get_part(handle.get(), CURLUPART_URL, 0, first_pass) ||
      curl_url_set(handle.get(), CURLUPART_URL, first_pass.c_str(), 0) != CURLUE_OK) {
    return fail(invalid(subject, "is not a valid URL.", what));
  }

  std::string ignored;
  if (get_part(handle.get(), CURLUPART_USER, 0, ignored) ||
      get_part(handle.get(), CURLUPART_PASSWORD, 0, ignored)) {
    return fail(invalid(subject, "contains a user name or password, which pitchreel never sends.", what));
  }
  // A zone id ("fe80::1%eth0") names one of this server's interfaces: meaningless to a user.
  if (get_part(handle.get(), CURLUPART_ZONEID, 0, ignored)) {
    return fail(invalid(subject, "names a network interface of the server.", what));
  }

  TargetUrl target;
  std::string port_text;
  if (!get_part(handle.get(), CURLUPART_SCHEME, 0, target.scheme) ||
      !get_part(handle.get(), CURLUPART_HOST, 0, target.host) ||
      !get_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT, port_text) ||
      !get_part(handle.get(), CURLUPART_URL, 0, target.url)) {
    return fail(invalid(subject, "is not a valid URL.", what));
  }
  if (target.host.size() >= 2 && target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  const auto* end = port_text.data() + port_text.size();
  if (target.host.empty() || std::from_chars(port_text.data(), end, target.port).ptr != end ||
      target.port <= 0 || target.port > 65535) {
    return fail(invalid(subject, "is not a valid URL.", what));
  }
  // libcurl converts a Unicode host to punycode itself, depending on libidn2 and the process
  // locale, so the name it looks up could differ from the one checked here. libcurl 7.88's own
  // CURLU_PUNYCODE is no help: it returns the Unicode name, or fails and leaks. Ask for the
  // ASCII (xn--) form instead.
  const bool ascii = std::all_of(target.host.begin(), target.host.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    return fail(invalid(subject,
                        "has a host name with non-ASCII letters; write it in its "
                        "ASCII (xn--) form.",
                        what));
  }
  std::transform(target.host.begin(), target.host.end(), target.host.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  // libcurl decodes %XX in a host name, so "exampl%7f" arrives with a control character in
  // it: what a resolver would be asked is then no host name at all. A host is letters,
  // digits, '-', '_' and '.', or an IPv6 literal's hex digits, ':' and '.'.
  const bool host_chars = std::all_of(target.host.begin(), target.host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
  });
  if (!host_chars) {
    return fail(invalid(subject, "has characters in its host name that no host name has.", what));
  }
  return target;
}

}  // namespace pitchreel::fetch
