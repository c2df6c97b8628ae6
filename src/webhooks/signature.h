// Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`,
// keyed with the base64 bytes after the `whsec_` prefix of the endpoint's secret. During a
// rotation both secrets sign and the header carries both signatures, space-separated, so a
// receiver holding either secret accepts the message.
// Thread-safe: pure functions (OpenSSL's one-shot HMAC and RAND_bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pitchreel::webhooks {

inline constexpr std::string_view kSecretPrefix = "whsec_";

// A new secret: whsec_ + base64 of 32 random bytes. Errors: internal "random_failed".
Result<std::string> new_secret();

// One `v1,...` signature. Errors: invalid "webhook_secret_invalid" when the secret is not
// whsec_<base64>.
Result<std::string> sign(std::string_view secret, std::string_view message_id,
                         std::int64_t timestamp, std::string_view body);

// The webhook-signature header: the current secret's signature, then the previous one's
// when `previous_secret` is not empty.
Result<std::string> signature_header(std::string_view secret, std::string_view previous_secret,
                                     std::string_view message_id, std::int64_t timestamp,
                                     std::string_view body);

}  // namespace pitchreel::webhooks
