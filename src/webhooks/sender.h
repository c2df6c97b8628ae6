// Sends one webhook attempt: POST of the delivery's body with the Standard Webhooks
// headers (webhook-id, webhook-timestamp = the attempt's time, webhook-signature), through
// fetch::http_call with the address policy on (endpoint_url.h: vetted again, connection
// pinned). Redirects are not followed; the answer is read up to max_response_bytes.
// Never fails as a call: whatever happened is described in the result, for retry_policy.h.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "db/webhook_types.h"
#include "webhooks/retry_policy.h"

namespace pitchreel::webhooks {

struct SenderOptions {
  bool allow_private_addresses = false;
  std::chrono::seconds timeout{15};
  std::size_t max_response_bytes = 4096;
  std::string ca_file;  // PEM trust anchors instead of the system's (tests); empty: system
};

struct SendOutcome {
  AttemptResult result;
  std::int64_t latency_ms = 0;
  std::string response_excerpt;  // the first bytes of the answer, for the delivery log
};

SendOutcome send_attempt(const db::webhooks::DeliveryTask& task, std::int64_t now,
                         const SenderOptions& options);

}  // namespace pitchreel::webhooks
