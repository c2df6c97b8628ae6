// The webhook part of the OpenAPI document: endpoints, deliveries, and the events sent
// (described under x-webhook-events, and as OpenAPI 3.1 `webhooks`).
#include "api/openapi_parts.h"

namespace pitchreel::api {
namespace {

using namespace oas;

json event_types() {
  return json::array({"job.succeeded", "job.failed", "job.canceled", "video.deleted", "batch.completed"});
}

json endpoint_properties() {
  return {{"id", str()},
          {"url", str("where deliveries are POSTed (https)")},
          {"description", str()},
          {"events", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", event_types()}}},
                      {"description", "event types sent; empty: all"}}},
          {"enabled", boolean("false once disabled, by a user or after failures (see disabledReason)")},
          {"disabledAt", nullable(integer("Unix seconds"))},
          {"disabledReason", nullable(str("why deliveries stopped"))},
          {"previousSecretExpiresAt",
           nullable(integer("after a rotation: until when (Unix seconds) the previous secret also signs"))},
          {"createdAt", integer("Unix seconds")},
          {"updatedAt", integer("Unix seconds")}};
}

json schemas() {
  json with_secret = endpoint_properties();
  with_secret["secret"] = str("whsec_...: the signing secret, shown only in this answer");
  json attempt = object("One delivery attempt",
                        {{"attemptedAt", integer("Unix seconds")},
                         {"httpStatus", nullable(integer("the endpoint's status; null: no answer"))},
                         {"latencyMs", integer()},
                         {"error", nullable(str("what went wrong; null when delivered"))},
                         {"responseBody", str("the first bytes of the answer")}});
  return {
      {"WebhookEndpoint", object("A webhook endpoint", endpoint_properties())},
      {"WebhookEndpointWithSecret", object("A webhook endpoint with its secret (create, rotate)", with_secret)},
      {"WebhookEndpointList", object("The organisation's endpoints, oldest first",
                                     {{"webhooks", {{"type", "array"}, {"items", ref("WebhookEndpoint")}}}})},
      {"WebhookEndpointCreate",
       object("A new endpoint",
              {{"url", str("https URL; must resolve to public addresses")},
               {"events", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", event_types()}}}}},
               {"description", str()}},
              {"events", "description"})},
      {"WebhookEndpointUpdate",
       object("Fields to change",
              {{"url", str()},
               {"events", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", event_types()}}}}},
               {"description", str()},
               {"enabled", boolean("true re-enables a disabled endpoint; false disables it")}},
              {"url", "events", "description", "enabled"})},
      {"WebhookAttempt", attempt},
      {"WebhookDelivery",
       object("One event for one endpoint",
              {{"id", str()},
               {"messageId", str("the webhook-id header, the same on every attempt")},
               {"type", str("event type, or ping")},
               {"status", {{"type", "string"}, {"enum", json::array({"pending", "delivered", "failed"})}}},
               {"attempts", integer("attempts counted towards the retry schedule")},
               {"nextAttemptAt", nullable(integer("Unix seconds, while pending"))},
               {"lastError", nullable(str())},
               {"createdAt", integer("Unix seconds")},
               {"attemptLog", {{"type", "array"}, {"items", ref("WebhookAttempt")}}}})},
      {"WebhookDeliveryList", object("Newest first",
                                     {{"deliveries", {{"type", "array"}, {"items", ref("WebhookDelivery")}}}})},
      {"WebhookQueued", object("Queued for delivery",
                               {{"success", {{"const", true}}},
                                {"deliveryId", str()},
                                {"messageId", str()}})},
      {"WebhookRedelivered", object("Queued again", {{"success", {{"const", true}}}, {"id", str()}})},
      {"WebhookEvent",
       object("The body of every delivery (Standard Webhooks)",
              {{"type", {{"type", "string"}, {"enum", [] { json t = event_types(); t.push_back("ping"); return t; }()}}},
               {"timestamp", str("ISO 8601 UTC time of the change")},
               {"data", {{"type", "object"},
                         {"description", "job.*: the Job (as GET /api/v1/jobs/{id}); video.deleted: "
                                         "{id, jobId, productId}; batch.completed: the batch; ping: "
                                         "{endpointId, messageId}"}}}})},
  };
}

json endpoint_op(const std::string& id, const std::string& summary, json responses) {
  json op = operation(id, "webhooks", summary, std::move(responses));
  op["parameters"] = json::array({id_param("the endpoint's id")});
  return op;
}

json body(const std::string& schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}

}  // namespace

void add_webhook_api(nlohmann::json& doc) {
  const json all = schemas();
  for (const auto& [name, schema] : all.items()) doc["components"]["schemas"][name] = schema;
  doc["tags"].push_back({{"name", "webhooks"},
                         {"description", "Signed calls to your backend when videos are ready (owners and admins)"}});

  json create = operation("createWebhook", "webhooks", "Add an endpoint; the answer carries its secret, shown once",
                          with(errors({400, 401, 403}),
                               {{"201", json_reply("Created", "WebhookEndpointWithSecret")}}));
  create["requestBody"] = body("WebhookEndpointCreate");
  json update = endpoint_op("updateWebhook", "Change an endpoint (or re-enable a disabled one)",
                            with(errors({400, 401, 403, 404}), {{"200", json_reply("Changed", "WebhookEndpoint")}}));
  update["requestBody"] = body("WebhookEndpointUpdate");
  json deliveries = endpoint_op("listWebhookDeliveries", "The endpoint's deliveries, newest first, with every attempt",
                                with(errors({400, 401, 403, 404}),
                                     {{"200", json_reply("Deliveries", "WebhookDeliveryList")}}));
  deliveries["parameters"].push_back(
      {{"name", "limit"}, {"in", "query"}, {"required", false},
       {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 50}}}});
  json redeliver = operation("redeliverWebhook", "webhooks", "Send a delivery again (same webhook-id)",
                             with(errors({401, 403, 404}), {{"202", json_reply("Queued", "WebhookRedelivered")}}));
  redeliver["parameters"] = json::array(
      {id_param("the endpoint's id"),
       {{"name", "deliveryId"}, {"in", "path"}, {"required", true}, {"description", "the delivery's id"},
        {"schema", {{"type", "string"}, {"pattern", "^[0-9a-fA-F-]{1,64}$"}}}}});

  auto& paths = doc["paths"];
  paths["/api/v1/webhooks"] = {
      {"post", create},
      {"get", operation("listWebhooks", "webhooks", "The organisation's endpoints (no secrets)",
                        with(errors({401, 403}), {{"200", json_reply("Endpoints", "WebhookEndpointList")}}))}};
  paths["/api/v1/webhooks/{id}"] = {
      {"get", endpoint_op("getWebhook", "One endpoint (no secret)",
                          with(errors({401, 403, 404}), {{"200", json_reply("The endpoint", "WebhookEndpoint")}}))},
      {"patch", update},
      {"delete", endpoint_op("deleteWebhook", "Delete an endpoint and its deliveries",
                             with(errors({401, 403, 404}), {{"200", json_reply("Deleted", "Deleted")}}))}};
  paths["/api/v1/webhooks/{id}/rotate-secret"] = {
      {"post", endpoint_op("rotateWebhookSecret",
                           "A new secret; for 24 h the previous one signs too (both signatures in the header)",
                           with(errors({401, 403, 404}),
                                {{"200", json_reply("The endpoint with its new secret", "WebhookEndpointWithSecret")}}))}};
  paths["/api/v1/webhooks/{id}/test"] = {
      {"post", endpoint_op("testWebhook", "Send a ping event to this endpoint",
                           with(errors({401, 403, 404}), {{"202", json_reply("Queued", "WebhookQueued")}}))}};
  paths["/api/v1/webhooks/{id}/deliveries"] = {{"get", deliveries}};
  paths["/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver"] = {{"post", redeliver}};

  // What pitchreel sends (OpenAPI 3.1 webhooks): one POST per event, signed.
  json headers = json::array();
  for (const auto& [name, what] :
       std::initializer_list<std::pair<const char*, const char*>>{
           {"webhook-id", "msg_...: the same on every retry of one event"},
           {"webhook-timestamp", "Unix seconds of this attempt"},
           {"webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>, space-separated during a rotation"}}) {
    headers.push_back({{"name", name}, {"in", "header"}, {"required", true}, {"description", what},
                       {"schema", str()}});
  }
  doc["webhooks"]["event"] = {
      {"post", {{"operationId", "webhookEvent"},
                {"tags", {"webhooks"}},
                {"security", json::array()},
                {"summary", "An event, POSTed to every subscribed endpoint; answer 2xx within the timeout"},
                {"parameters", headers},
                {"requestBody", body("WebhookEvent")},
                {"responses", {{"200", {{"description", "Any 2xx: delivered. 410: the endpoint is disabled. "
                                                         "Anything else: retried."}}}}}}}};
}

}  // namespace pitchreel::api
