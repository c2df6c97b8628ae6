// Webhook endpoints of the caller's organisation (docs/webhooks.md), for owners and admins:
//   POST   /api/v1/webhooks                       {url, events?, description?} -> 201 + secret
//   GET    /api/v1/webhooks                       list
//   GET    /api/v1/webhooks/{id}
//   PATCH  /api/v1/webhooks/{id}                  {url?, events?, description?, enabled?}
//   DELETE /api/v1/webhooks/{id}
//   POST   /api/v1/webhooks/{id}/rotate-secret    new secret; the old one signs for 24 h more
//   POST   /api/v1/webhooks/{id}/test             queues a `ping` -> 202
//   GET    /api/v1/webhooks/{id}/deliveries       newest first, each attempt's time, status,
//                                                 latency and error
//   POST   /api/v1/webhooks/{id}/deliveries/{id}/redeliver -> 202
// The secret is answered only by create and rotate-secret.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "db/clock.h"
#include "db/ids.h"
#include "webhooks/endpoint_url.h"
#include "webhooks/signature.h"

namespace pitchreel::api {
namespace {

namespace wh = db::webhooks;

constexpr std::int64_t kRotationOverlapS = 24 * 3600;
constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxDescriptionLength = 500;
constexpr const char* kId = "([0-9a-fA-F-]{1,64})";

Error not_found() {
  return Error::invalid("not_found", "There is no such webhook endpoint in your organisation.");
}

Error bad(std::string code, std::string message) {
  return Error::invalid(std::move(code), std::move(message));
}

Status require_manager(const Principal& who) {
  if (who.role == Role::kOwner || who.role == Role::kAdmin) return {};
  return fail(Error::invalid(
      "forbidden", fmt::format("Only owners and admins can manage webhooks; your role is {}.",
                               to_string(who.role))));
}

// The caller, who must be an owner or admin.
Result<Principal> manager(const ServiceContext& ctx, const http::Request& req) {
  auto who = authenticate(ctx, req);
  if (!who) return who;
  if (auto s = require_manager(*who); !s) return fail(s.error());
  return who;
}

nlohmann::json endpoint_json(const wh::Endpoint& e, bool with_secret) {
  nlohmann::json j = {{"id", e.id},
                      {"url", e.url},
                      {"description", e.description},
                      {"events", e.events},
                      {"enabled", !e.disabled_at.has_value()},
                      {"disabledAt", nullptr},
                      {"disabledReason", nullptr},
                      {"previousSecretExpiresAt", nullptr},
                      {"createdAt", e.created_at},
                      {"updatedAt", e.updated_at}};
  if (e.disabled_at) {
    j["disabledAt"] = *e.disabled_at;
    j["disabledReason"] = e.disabled_reason;
  }
  if (e.previous_secret_expires_at && !e.previous_secret.empty()) {
    j["previousSecretExpiresAt"] = *e.previous_secret_expires_at;
  }
  if (with_secret) j["secret"] = e.secret;
  return j;
}

nlohmann::json delivery_json(const wh::Delivery& d) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& a : d.attempt_log) {
    attempts.push_back({{"attemptedAt", a.attempted_at},
                        {"httpStatus", a.http_status == 0 ? nlohmann::json(nullptr)
                                                          : nlohmann::json(a.http_status)},
                        {"latencyMs", a.latency_ms},
                        {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
                        {"responseBody", a.response_body}});
  }
  return {{"id", d.id},
          {"messageId", d.message_id},
          {"type", d.type},
          {"status", wh::to_string(d.status)},
          {"attempts", d.attempts},
          {"nextAttemptAt", d.status == wh::DeliveryStatus::kPending
                                ? nlohmann::json(d.next_attempt_at)
                                : nlohmann::json(nullptr)},
          {"lastError", d.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.last_error)},
          {"createdAt", d.created_at},
          {"attemptLog", attempts}};
}

Result<nlohmann::json> json_body(const http::Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(bad("invalid_json", "The request body must be a JSON object."));
  }
  return body;
}

Result<std::string> url_field(const ServiceContext& ctx, const nlohmann::json& body) {
  if (!body.contains("url") || !body["url"].is_string() || body["url"].get_ref<const std::string&>().empty()) {
    return fail(bad("webhook_url_invalid", "Give the endpoint's url, an https:// URL."));
  }
  std::string url = body["url"].get<std::string>();
  if (url.size() > kMaxUrlLength) {
    return fail(bad("webhook_url_invalid",
                    fmt::format("The url is longer than {} characters.", kMaxUrlLength)));
  }
  auto vetted = webhooks::vet_webhook_url(url, ctx.config.allow_private_webhook_urls);
  if (!vetted) return fail(vetted.error());
  return url;
}

Result<std::vector<std::string>> events_field(const nlohmann::json& body) {
  std::vector<std::string> events;
  if (!body.contains("events") || body["events"].is_null()) return events;
  const auto& value = body["events"];
  const auto known = [](const std::string& e) {
    return std::ranges::any_of(wh::kEventTypes, [&](const char* t) { return e == t; });
  };
  if (!value.is_array()) {
    return fail(bad("webhook_events_invalid",
                    "events must be an array of event types, e.g. [\"job.succeeded\"]."));
  }
  std::set<std::string> seen;
  for (const auto& item : value) {
    if (!item.is_string() || !known(item.get<std::string>())) {
      return fail(bad("webhook_events_invalid",
                      fmt::format("Unknown event type {}; use job.succeeded, job.failed, "
                                  "job.canceled, video.deleted or batch.completed.",
                                  item.dump())));
    }
    if (seen.insert(item.get<std::string>()).second) events.push_back(item.get<std::string>());
  }
  return events;
}

Result<std::string> description_field(const nlohmann::json& body) {
  if (!body.contains("description") || body["description"].is_null()) return std::string();
  if (!body["description"].is_string()) {
    return fail(bad("webhook_description_invalid", "description must be a string."));
  }
  std::string d = body["description"].get<std::string>();
  if (d.size() > kMaxDescriptionLength) {
    return fail(bad("webhook_description_invalid",
                    fmt::format("description is longer than {} bytes.", kMaxDescriptionLength)));
  }
  return d;
}

Result<std::string> fresh_secret() { return webhooks::new_secret(); }

void wake(ServiceContext& ctx) {
  if (ctx.webhooks) ctx.webhooks->wake();
}

}  // namespace

void register_webhook_routes(HttpServer& server, ServiceContext& ctx) {
  server.post("/api/v1/webhooks", [&ctx](const http::Request& req, http::Response& res) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto body = json_body(req);
    if (!body) return fail(body.error());
    auto url = url_field(ctx, *body);
    if (!url) return fail(url.error());
    auto events = events_field(*body);
    if (!events) return fail(events.error());
    auto description = description_field(*body);
    if (!description) return fail(description.error());
    auto secret = fresh_secret();
    if (!secret) return fail(secret.error());
    auto created = ctx.db->webhooks().create_endpoint(
        {who->organization_id, *url, *description, *events, *secret}, db::unix_now());
    if (!created) return fail(created.error());
    spdlog::info("webhook endpoint created endpoint_id={} org={}", created->id,
                 who->organization_id);
    res.set_header("Location", "/api/v1/webhooks/" + created->id);
    return JsonReply{201, endpoint_json(*created, true)};
  });

  server.get("/api/v1/webhooks", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto list = ctx.db->webhooks().list_endpoints(who->organization_id);
    if (!list) return fail(list.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *list) out.push_back(endpoint_json(e, false));
    return JsonReply{200, {{"webhooks", out}}};
  });

  server.get(fmt::format("/api/v1/webhooks/{}", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto e = ctx.db->webhooks().get_endpoint(req.matches[1].str(), who->organization_id);
    if (!e) return fail(e.error());
    if (!*e) return fail(not_found());
    return JsonReply{200, endpoint_json(**e, false)};
  });

  server.patch(fmt::format("/api/v1/webhooks/{}", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto body = json_body(req);
    if (!body) return fail(body.error());
    wh::EndpointPatch patch;
    if (body->contains("url")) {
      auto url = url_field(ctx, *body);
      if (!url) return fail(url.error());
      patch.url = *url;
    }
    if (body->contains("events")) {
      auto events = events_field(*body);
      if (!events) return fail(events.error());
      patch.events = *events;
    }
    if (body->contains("description")) {
      auto description = description_field(*body);
      if (!description) return fail(description.error());
      patch.description = *description;
    }
    if (body->contains("enabled")) {
      if (!(*body)["enabled"].is_boolean()) {
        return fail(bad("webhook_enabled_invalid", "enabled must be true or false."));
      }
      patch.enabled = (*body)["enabled"].get<bool>();
    }
    auto e = ctx.db->webhooks().update_endpoint(req.matches[1].str(), who->organization_id, patch,
                                                db::unix_now());
    if (!e) return fail(e.error());
    if (!*e) return fail(not_found());
    if (patch.enabled && *patch.enabled) wake(ctx);  // deliveries held back may go now
    return JsonReply{200, endpoint_json(**e, false)};
  });

  server.del(fmt::format("/api/v1/webhooks/{}", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto removed = ctx.db->webhooks().delete_endpoint(req.matches[1].str(), who->organization_id);
    if (!removed) return fail(removed.error());
    if (!*removed) return fail(not_found());
    return JsonReply{200, {{"success", true}, {"id", req.matches[1].str()}}};
  });

  server.post(fmt::format("/api/v1/webhooks/{}/rotate-secret", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto secret = fresh_secret();
    if (!secret) return fail(secret.error());
    const auto now = db::unix_now();
    auto e = ctx.db->webhooks().rotate_secret(req.matches[1].str(), who->organization_id, *secret,
                                              now + kRotationOverlapS, now);
    if (!e) return fail(e.error());
    if (!*e) return fail(not_found());
    spdlog::info("webhook secret rotated endpoint_id={} org={}", (*e)->id, who->organization_id);
    return JsonReply{200, endpoint_json(**e, true)};
  });

  server.post(fmt::format("/api/v1/webhooks/{}/test", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    const std::string endpoint_id = req.matches[1].str();
    const auto now = db::unix_now();
    const std::string message_id = "msg_" + db::new_uuid();
    const std::string body =
        webhooks::event_body("ping", now, {{"endpointId", endpoint_id}, {"messageId", message_id}});
    auto id = ctx.db->webhooks().enqueue_ping(endpoint_id, who->organization_id, message_id, body, now);
    if (!id) return fail(id.error());
    if (!*id) return fail(not_found());
    wake(ctx);
    return JsonReply{202, {{"success", true}, {"deliveryId", **id}, {"messageId", message_id}}};
  });

  server.get(fmt::format("/api/v1/webhooks/{}/deliveries", kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    int limit = 50;
    if (req.has_param("limit")) {
      try {
        limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, 100);
      } catch (...) {
        return fail(bad("invalid_limit", "limit must be a number from 1 to 100."));
      }
    }
    const std::string endpoint_id = req.matches[1].str();
    auto e = ctx.db->webhooks().get_endpoint(endpoint_id, who->organization_id);
    if (!e) return fail(e.error());
    if (!*e) return fail(not_found());
    auto list = ctx.db->webhooks().list_deliveries(endpoint_id, who->organization_id, limit);
    if (!list) return fail(list.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *list) out.push_back(delivery_json(d));
    return JsonReply{200, {{"deliveries", out}}};
  });

  server.post(fmt::format("/api/v1/webhooks/{}/deliveries/{}/redeliver", kId, kId), [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = manager(ctx, req);
    if (!who) return fail(who.error());
    auto done = ctx.db->webhooks().redeliver(req.matches[2].str(), req.matches[1].str(),
                                             who->organization_id, db::unix_now());
    if (!done) return fail(done.error());
    if (!*done) {
      return fail(Error::invalid("not_found", "There is no such delivery of this endpoint."));
    }
    wake(ctx);
    return JsonReply{202, {{"success", true}, {"id", req.matches[2].str()}}};
  });
}

}  // namespace pitchreel::api
