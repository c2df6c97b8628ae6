// The URL policy of webhook endpoints, the same as imageUrl's (fetch/address_policy.h):
// https only, a well-formed URL without credentials, and every address the host resolves to
// public, unless the operator allows private addresses (PITCHREEL_ALLOW_PRIVATE_WEBHOOK_URLS,
// for tests and trusted networks: then http and loopback/private addresses pass too).
// Checked when an endpoint is created or changed, and again before every attempt, whose
// connection is pinned to the addresses checked then (DNS rebinding cannot swap them).
// Thread-safe; blocking (DNS).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "fetch/ip_address.h"
#include "fetch/target_url.h"

namespace pitchreel::webhooks {

struct VettedUrl {
  fetch::TargetUrl target;
  std::vector<fetch::IpAddress> addresses;  // what the connection is pinned to
};

// Errors (invalid input, stable codes): webhook_url_invalid (malformed, not https, has
// credentials), webhook_url_unresolvable (the host does not resolve), webhook_url_forbidden
// (resolves to a private, loopback, link-local or otherwise non-public address).
Result<VettedUrl> vet_webhook_url(const std::string& url, bool allow_private);

}  // namespace pitchreel::webhooks
