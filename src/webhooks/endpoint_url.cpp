#include "webhooks/endpoint_url.h"

#include <fmt/format.h>

#include "fetch/address_policy.h"
#include "fetch/host_resolver.h"

namespace pitchreel::webhooks {

Result<VettedUrl> vet_webhook_url(const std::string& url, bool allow_private) {
  auto target = fetch::parse_target_url(url, "The webhook URL");
  if (!target) {
    Error e = target.error();
    e.code = "webhook_url_invalid";
    return fail(std::move(e));
  }
  if (target->scheme != "https" && !allow_private) {
    return fail(Error::invalid(
        "webhook_url_invalid",
        fmt::format("The webhook URL {} is not https; use an https:// URL so deliveries and "
                    "their signatures cannot be read on the way.",
                    target->origin())));
  }
  auto addresses = fetch::resolve_host(target->host);
  if (!addresses) {
    return fail(Error::invalid(
        "webhook_url_unresolvable",
        fmt::format("The host {} of the webhook URL does not resolve. Check the URL for typos.",
                    target->host)));
  }
  if (!allow_private) {
    for (const auto& address : *addresses) {
      const auto range = fetch::classify_address(address);
      if (range != fetch::AddressRange::kPublic) {
        return fail(Error::invalid(
            "webhook_url_forbidden",
            fmt::format("The webhook URL {} resolves to a {} address ({}), which pitchreel does "
                        "not deliver to. Use a public https URL.",
                        target->origin(), fetch::address_range_name(range),
                        address.to_string())));
      }
    }
  }
  return VettedUrl{std::move(*target), std::move(*addresses)};
}

}  // namespace pitchreel::webhooks
