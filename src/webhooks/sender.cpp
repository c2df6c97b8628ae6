#include "webhooks/sender.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/utf8.h"
#include "fetch/http_call.h"
#include "webhooks/endpoint_url.h"
#include "webhooks/signature.h"

namespace pitchreel::webhooks {
namespace {

// The answer as valid UTF-8 (invalid bytes become U+FFFD), so the log can show it as JSON.
std::string excerpt(const std::vector<std::uint8_t>& body) {
  const std::string_view raw(reinterpret_cast<const char*>(body.data()), body.size());
  std::string out;
  for (std::size_t pos = 0; pos < raw.size();) utf8::append(out, utf8::next(raw, pos));
  return out;
}

}  // namespace

SendOutcome send_attempt(const db::webhooks::DeliveryTask& task, std::int64_t now,
                         const SenderOptions& options) {
  SendOutcome out;
  auto vetted = vet_webhook_url(task.url, options.allow_private_addresses);
  if (!vetted) {
    out.result.error = vetted.error().message;
    return out;
  }
  auto signature =
      signature_header(task.secret, task.previous_secret, task.message_id, now, task.body);
  if (!signature) {
    out.result.error = signature.error().message;
    return out;
  }
  fetch::CallRequest request;
  request.method = "POST";
  request.url = vetted->target.url;
  request.body = task.body;
  request.content_type = "application/json";
  request.headers = {"webhook-id: " + task.message_id,
                     fmt::format("webhook-timestamp: {}", now),
                     "webhook-signature: " + *signature, "Expect:"};
  request.connect_timeout = std::min<std::chrono::milliseconds>(options.timeout, std::chrono::seconds(10));
  request.total_timeout = options.timeout;
  request.max_bytes = options.max_response_bytes;
  request.truncate_body = true;
  request.pinned = std::move(vetted->addresses);
  request.ca_file = options.ca_file;
  auto response = fetch::http_call(request);
  if (!response) {
    const auto& f = response.error();
    out.latency_ms = static_cast<std::int64_t>(f.seconds * 1000);
    out.result.error =
        f.kind == fetch::CallFailure::Kind::kTimeout || f.kind == fetch::CallFailure::Kind::kConnectTimeout
            ? fmt::format("no answer within {} s", options.timeout.count())
            : fmt::format("{} ({})", fetch::to_string(f.kind), vetted->target.origin());
    spdlog::debug("webhook attempt failed delivery_id={} kind={} detail=\"{}\"", task.delivery_id,
                  fetch::to_string(f.kind), f.detail);
    return out;
  }
  out.latency_ms = static_cast<std::int64_t>(response->seconds * 1000);
  out.result.http_status = response->status;
  out.response_excerpt = excerpt(response->body);
  const long s = response->status;
  if (s >= 200 && s < 300) return out;
  if (s >= 300 && s < 400) {
    out.result.error = fmt::format("HTTP {}: redirects are not followed; use the final URL", s);
  } else {
    out.result.error = fmt::format("HTTP {}", s);
  }
  if (s == 429 || s >= 500) {
    if (auto it = response->headers.find("retry-after"); it != response->headers.end()) {
      out.result.retry_after_s = parse_retry_after(it->second, now);
    }
  }
  return out;
}

}  // namespace pitchreel::webhooks
