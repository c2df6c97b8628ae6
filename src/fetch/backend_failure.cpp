#include "fetch/backend_failure.h"

#include <cctype>

#include <fmt/format.h>

namespace pitchreel::fetch {
namespace {

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[')
    return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

std::string timeout_advice(const BackendInfo& b) {
  return b.timeout_setting.empty()
             ? std::string("")
             : fmt::format(" Raise {} if its jobs are long.", b.timeout_setting);
}

}  // namespace

std::string display_url(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  const auto scheme = out.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto path = out.find('/', start);
  const auto at = out.rfind('@', path);
  if (at != std::string::npos && at >= start) out.erase(start, at + 1 - start);
  return out;
}

std::string body_excerpt(const std::vector<std::uint8_t>& body, std::size_t max_chars) {
  std::string out;
  for (const std::uint8_t c : body) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Error describe_failure(const BackendInfo& b, const CallFailure& f, const CallRequest& request) {
  const std::string url = display_url(request.url.empty() ? b.url : request.url);
  const std::string unreachable = b.code_prefix + "_unreachable";
  using Kind = CallFailure::Kind;
  switch (f.kind) {
    case Kind::kMalformedUrl:
      return Error::invalid(b.code_prefix + "_misconfigured",
                            fmt::format("{} is not a usable URL ({}). Set {} to http://HOST:PORT "
                                        "of {}.",
                                        url, b.url_setting, b.url_setting, b.name));
    case Kind::kDns:
      return Error::unavailable(
          unreachable,
          fmt::format("Cannot reach {} at {}: the host name {} does not resolve (DNS failure). "
                      "Check the spelling in {}, or use the server's IP address.",
                      b.name, url, host_of(url), b.url_setting));
    case Kind::kRefused:
      return Error::unavailable(
          unreachable,
          fmt::format("Cannot connect to {} at {} (connection refused). Is the server running, "
                      "is its port exposed, and is it bound to 0.0.0.0 rather than 127.0.0.1?",
                      b.name, url));
    case Kind::kConnectTimeout:
      return Error::unavailable(
          unreachable,
          fmt::format("Cannot connect to {} at {}: no answer within {} s (connect timeout). A "
                      "firewall may drop the traffic or the port is not exposed on the host.",
                      b.name, url, request.connect_timeout.count() / 1000.0));
    case Kind::kTimeout:
      return Error::unavailable(
          b.code_prefix + "_timeout",
          fmt::format("{} at {} did not finish within {} s (timeout).{}", b.name, url,
                      request.total_timeout.count() / 1000.0, timeout_advice(b)));
    case Kind::kReset:
      return Error::unavailable(
          unreachable, fmt::format("{} at {} dropped the connection before answering ({}). It "
                                   "may have crashed or run out of memory; check its log.",
                                   b.name, url, f.detail));
    case Kind::kTls:
      return Error::unavailable(unreachable,
                                fmt::format("The TLS handshake with {} at {} failed ({}). Check "
                                            "the certificate, or use http:// on a private network.",
                                            b.name, url, f.detail));
    case Kind::kTooLarge:
      return Error::unavailable(b.code_prefix + "_bad_output",
                                fmt::format("{} at {} answered with more data than pitchreel "
                                            "accepts ({} bytes).",
                                            b.name, url, request.max_bytes));
    case Kind::kAborted:
      return Error::unavailable("canceled", "The job was canceled before it finished.");
    case Kind::kPinViolation:  // backends are called without the address policy
    case Kind::kSourceFailed:  // nor with a streamed body or answer
    case Kind::kSinkFailed:
    case Kind::kInternal:
      break;
  }
  return Error::internal(b.code_prefix + "_call_failed",
                         fmt::format("Could not call {} at {}: {}.", b.name, url, f.detail));
}

Error describe_status(const BackendInfo& b, const CallResponse& r) {
  const std::string url = display_url(b.url);
  const std::string excerpt = body_excerpt(r.body);
  const std::string said = excerpt.empty() ? "" : fmt::format(" It said: \"{}\".", excerpt);
  if (r.status == 401 || r.status == 403) {
    const std::string advice = b.key_setting.empty()
                                   ? "It requires credentials pitchreel was not given."
                                   : fmt::format("Check {}.", b.key_setting);
    return Error::invalid(
        b.code_prefix + "_unauthorized",
        fmt::format("{} at {} refused the request (HTTP {}). {}", b.name, url, r.status, advice));
  }
  if (r.status == 404 || r.status == 405) {
    return Error::invalid(b.code_prefix + "_rejected",
                          fmt::format("{} at {} has no such endpoint (HTTP {}). Check that {} "
                                      "points at the right server and path.{}",
                                      b.name, url, r.status, b.url_setting, said));
  }
  if (r.status >= 400 && r.status < 500 && r.status != 429) {
    return Error::invalid(
        b.code_prefix + "_rejected",
        fmt::format("{} at {} rejected the request (HTTP {}).{}", b.name, url, r.status, said));
  }
  if (worth_retrying(r.status)) {
    return Error::unavailable(b.code_prefix + "_busy",
                              fmt::format("{} at {} is busy or restarting (HTTP {}).{} Try again "
                                          "later.",
                                          b.name, url, r.status, said));
  }
  return Error::unavailable(
      b.code_prefix + "_http_error",
      fmt::format("{} at {} failed (HTTP {}).{} Out of GPU memory or a crash shows in the "
                  "server's log.",
                  b.name, url, r.status, said));
}

bool worth_retrying(const CallFailure& f) {
  using Kind = CallFailure::Kind;
  switch (f.kind) {
    case Kind::kRefused:
    case Kind::kConnectTimeout:
    case Kind::kReset:
      return !f.response_started;
    case Kind::kTimeout:
      return !f.response_started;
    default:
      return false;
  }
}

bool worth_retrying(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

}  // namespace pitchreel::fetch
