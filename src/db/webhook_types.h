// Value types of the webhook part of the store seam (WebhookStore in store.h): endpoints,
// outbox events, deliveries and their attempts. Shared by both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pitchreel::db::webhooks {

// Event types a change may announce; an endpoint subscribes to a subset (empty: all).
inline constexpr const char* kEventTypes[] = {"job.succeeded", "job.failed", "job.canceled",
                                              "video.deleted", "batch.completed"};

struct Endpoint {
  std::string id;
  std::string organization_id;
  std::string url;
  std::string description;
  std::vector<std::string> events;  // empty: every event type
  std::string secret;               // whsec_...; never shown again after creation
  std::string previous_secret;      // signs too while now < previous_secret_expires_at
  std::optional<std::int64_t> previous_secret_expires_at;
  std::optional<std::int64_t> disabled_at;
  std::string disabled_reason;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct NewEndpoint {
  std::string organization_id;
  std::string url;  // already checked against the URL policy by the caller
  std::string description;
  std::vector<std::string> events;
  std::string secret;
};

// Fields left nullopt are unchanged. enabled = true clears disabled_at and its reason.
struct EndpointPatch {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};

// An outbox row not yet fanned out into deliveries.
struct OutboxEvent {
  std::int64_t id = 0;
  std::string organization_id;
  std::string type;
  std::string payload;  // JSON object
  std::int64_t created_at = 0;
};

enum class DeliveryStatus { kPending, kDelivered, kFailed };
const char* to_string(DeliveryStatus status);

// A delivery claimed for one attempt: what the sender needs, and nothing else.
struct DeliveryTask {
  std::string delivery_id;
  std::string endpoint_id;
  std::string organization_id;
  std::string url;
  std::string secret;
  std::string previous_secret;  // empty unless still valid at claim time
  std::string message_id;       // webhook-id: the same on every attempt
  std::string type;
  std::string body;
  int attempts = 0;  // attempts already made before this one
  std::string lease;  // this claim's token (worker id + a random part): record_attempt's proof
};

// What the attempt came to, decided by the caller (retry policy) and recorded atomically.
struct AttemptRecord {
  long http_status = 0;  // 0: no HTTP answer
  std::int64_t latency_ms = 0;
  std::string error;          // empty when delivered
  std::string response_body;  // the first bytes of the answer
  DeliveryStatus outcome = DeliveryStatus::kPending;  // pending: retry at next_attempt_at
  std::int64_t next_attempt_at = 0;
  std::string disable_endpoint_reason;  // non-empty: the endpoint is disabled with it
};

struct Attempt {
  std::int64_t attempted_at = 0;
  long http_status = 0;
  std::int64_t latency_ms = 0;
  std::string error;
  std::string response_body;
};

struct Delivery {
  std::string id;
  std::string endpoint_id;
  std::string message_id;
  std::string type;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::string last_error;
  std::int64_t created_at = 0;
  std::vector<Attempt> attempt_log;  // oldest first
};

// ",a,b," for SQL matching with instr/position; "" for every event.
std::string encode_event_filter(const std::vector<std::string>& events);
std::vector<std::string> decode_event_filter(const std::string& stored);

}  // namespace pitchreel::db::webhooks
