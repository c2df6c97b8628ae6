#include "fetch/url_fetcher.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fetch/address_policy.h"
#include "fetch/host_resolver.h"
#include "fetch/http_hop.h"
#include "fetch/target_url.h"

namespace pitchreel {
namespace {

using Clock = std::chrono::steady_clock;
using fetch::HopError;

std::string or_upload(const FetchLimits& limits) { return "or upload the " + limits.what; }

std::string code(const FetchLimits& limits, std::string_view suffix) {
  return fmt::format("{}_url_{}", limits.what, suffix);
}

std::string describe_limit(std::uint64_t bytes) {
  constexpr double kMb = 1024.0 * 1024.0;
  if (bytes >= (1u << 20)) return fmt::format("{:.3g} MB", static_cast<double>(bytes) / kMb);
  return fmt::format("{} bytes", bytes);
}

std::string_view status_reason(long status) {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "login required";
    case 403:
      return "access denied";
    case 404:
      return "not found";
    case 410:
      return "gone";
    case 429:
      return "too many requests";
    case 500:
      return "server error";
    case 502:
      return "bad gateway";
    case 503:
      return "service unavailable";
    case 504:
      return "gateway timeout";
    default:
      return status >= 500 ? "server error" : "request refused";
  }
}

// How an error sentence names the hop: the user's own URL, or where it redirected.
std::string where(const fetch::TargetUrl& target, int hop, const FetchLimits& limits) {
  return hop == 0 ? fmt::format("The {} address {}", limits.what, target.origin())
                  : fmt::format("The {} URL redirects to {}, which", limits.what, target.origin());
}

Error forbidden(const fetch::TargetUrl& target, int hop, const std::string& address,
                const FetchLimits& limits) {
  return Error::invalid(
      code(limits, "forbidden"),
      fmt::format("{} resolves to a private or local network address ({}), which pitchreel does "
                  "not fetch from. Use a public URL or upload the {}.",
                  where(target, hop, limits), address, limits.what));
}

Error timeout(const fetch::TargetUrl& target, const FetchLimits& limits) {
  return Error::unavailable(
      code(limits, "timeout"),
      fmt::format("The {} at {} did not download within {} seconds. Check that the URL opens "
                  "quickly in a browser, {}.",
                  limits.what, target.origin(), limits.total_timeout_s, or_upload(limits)));
}

Error from_hop_error(const HopError& e, const fetch::TargetUrl& target, int hop,
                     const FetchLimits& limits) {
  switch (e.kind) {
    case HopError::Kind::kTooLarge:
      return Error::invalid(
          code(limits, "too_large"),
          fmt::format("The {} at {} is larger than {}, the most pitchreel downloads. Use a "
                      "smaller file.",
                      limits.what, target.origin(), describe_limit(limits.max_bytes)));
    case HopError::Kind::kTimeout:
      return timeout(target, limits);
    case HopError::Kind::kPinViolation:
      return forbidden(target, hop, e.refused_address, limits);
    case HopError::Kind::kConnectFailed:
      return Error::unavailable(
          code(limits, "unreachable"),
          fmt::format("Cannot connect to {} to download the {} (connection refused or no "
                      "route). Check the URL, {}.",
                      target.origin(), limits.what, or_upload(limits)));
    case HopError::Kind::kTls:
      return Error::unavailable(
          code(limits, "unreachable"),
          fmt::format("Cannot make a secure connection to {} (TLS handshake or certificate "
                      "failed). Use an https URL with a valid certificate, {}.",
                      target.origin(), or_upload(limits)));
    case HopError::Kind::kBadResponse:
      return Error::unavailable(
          code(limits, "unreachable"),
          fmt::format("The server at {} did not send a complete HTTP response. Try again later, "
                      "{}.",
                      target.origin(), or_upload(limits)));
    case HopError::Kind::kInternal:
      break;
  }
  return Error::internal(limits.what + "_fetch_failed",
                         "Downloading the " + limits.what + " failed inside pitchreel.");
}

Error http_error(long status, const fetch::TargetUrl& target, const FetchLimits& limits) {
  std::string message = fmt::format(
      "The {} URL at {} answered HTTP {} ({}). Check that the URL opens the {} "
      "in a browser, {}.",
      limits.what, target.origin(), status, status_reason(status), limits.what, or_upload(limits));
  if (status >= 500) return Error::unavailable(code(limits, "http_error"), std::move(message));
  return Error::invalid(code(limits, "http_error"), std::move(message));
}

// Every address must be public: checking only the first would let a name with one public and
// one private record pass while libcurl connects to the private one.
Status check_addresses(const std::vector<fetch::IpAddress>& addresses,
                       const fetch::TargetUrl& target, int hop, const FetchLimits& limits) {
  for (const fetch::IpAddress& address : addresses) {
    const fetch::AddressRange range = fetch::classify_address(address);
    if (range != fetch::AddressRange::kPublic) {
      spdlog::warn("refused image url origin={} address={} range={} hop={}", target.origin(),
                   address.to_string(), fetch::address_range_name(range), hop);
      return fail(forbidden(target, hop, address.to_string(), limits));
    }
  }
  return {};
}

}  // namespace

Result<Fetched> fetch_url(const std::string& url, const FetchLimits& limits) {
  const auto deadline = Clock::now() + std::chrono::seconds(limits.total_timeout_s);
  std::string current = url;
  for (int hop = 0;; ++hop) {
    const std::string subject = "The " + limits.what +
                                (hop == 0 ? " URL" : " URL redirects to a URL that");
    auto target = fetch::parse_target_url(current, subject, limits.what);
    if (!target) return fail(std::move(target.error()));

    auto addresses = fetch::resolve_host(target->host);
    if (!addresses) {
      spdlog::debug("image url resolve failed origin={} detail=\"{}\"", target->origin(),
                    addresses.error().message);
      return fail(Error::unavailable(
          code(limits, "unreachable"),
          fmt::format("Cannot find the host {} of the {} URL. Check the URL for typos, {}.",
                      target->host, limits.what, or_upload(limits))));
    }
    if (!limits.allow_private_addresses) {
      if (auto ok = check_addresses(*addresses, *target, hop, limits); !ok) return fail(ok.error());
    }

    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return fail(timeout(*target, limits));
    fetch::HopRequest request{*target, std::move(*addresses), limits.max_bytes,
                              std::chrono::seconds(limits.connect_timeout_s), left};
    auto response = fetch::run_hop(request);
    if (!response) {
      spdlog::debug("image url fetch failed origin={} hop={} detail=\"{}\"", target->origin(), hop,
                    response.error().detail);
      return fail(from_hop_error(response.error(), *target, hop, limits));
    }

    const long status = response->status;
    if (status >= 300 && status < 400 && !response->redirect_url.empty()) {
      if (hop >= limits.max_redirects) {
        return fail(Error::invalid(
            code(limits, "http_error"),
            fmt::format("The {} URL redirects more than {} times. Use the file's final "
                        "address, {}.",
                        limits.what, limits.max_redirects, or_upload(limits))));
      }
      current = std::move(response->redirect_url);
      continue;
    }
    if (status >= 300) return fail(http_error(status, *target, limits));
    return Fetched{
        std::move(response->body), std::move(response->content_type),
        response->effective_url.empty() ? target->url : std::move(response->effective_url)};
  }
}

}  // namespace pitchreel
