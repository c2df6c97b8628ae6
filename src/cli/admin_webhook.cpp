#include "cli/admin_webhook.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "db/clock.h"

namespace pitchreel::cli::admin_webhook {
namespace {

using nlohmann::json;
namespace wh = db::webhooks;

Result<std::string> org_id(db::Store& db, std::string_view name) {
  auto org = db.orgs().find_by_name(name);
  if (!org) return fail(org.error());
  if (!*org) {
    return fail(Error::invalid(
        "org_not_found",
        fmt::format("No organization is named '{}'. See `pitchreel admin org list`.", name)));
  }
  return (*org)->id;
}

Error not_found(std::string_view id) {
  return Error::invalid("webhook_not_found",
                        fmt::format("The organization has no webhook endpoint '{}'. See "
                                    "`pitchreel admin webhook list`.",
                                    id));
}

std::string when(std::int64_t t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(static_cast<std::time_t>(t)));
}

std::string events_text(const std::vector<std::string>& events) {
  if (events.empty()) return "all";
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

json endpoint_json(const wh::Endpoint& e) {
  return {{"id", e.id},
          {"url", e.url},
          {"description", e.description},
          {"events", e.events},
          {"enabled", !e.disabled_at},
          {"disabledAt", e.disabled_at ? json(*e.disabled_at) : json()},
          {"disabledReason", e.disabled_at ? json(e.disabled_reason) : json()},
          {"createdAt", e.created_at}};
}

void print_endpoint(const wh::Endpoint& e) {
  std::cout << fmt::format("{}  {}  {}  events={}{}\n", e.id, e.disabled_at ? "disabled" : "enabled",
                           e.url, events_text(e.events),
                           e.disabled_at ? "  reason: " + e.disabled_reason : "");
}

}  // namespace

Status list(db::Store& db, std::string_view org_name, bool as_json) {
  auto org = org_id(db, org_name);
  if (!org) return fail(org.error());
  auto endpoints = db.webhooks().list_endpoints(*org);
  if (!endpoints) return fail(endpoints.error());
  if (as_json) {
    json out = json::array();
    for (const auto& e : *endpoints) out.push_back(endpoint_json(e));
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& e : *endpoints) print_endpoint(e);
  }
  return {};
}

Status set_enabled(db::Store& db, std::string_view org_name, std::string_view id, bool enabled,
                   bool as_json) {
  auto org = org_id(db, org_name);
  if (!org) return fail(org.error());
  wh::EndpointPatch patch;
  patch.enabled = enabled;
  auto e = db.webhooks().update_endpoint(id, *org, patch, db::unix_now());
  if (!e) return fail(e.error());
  if (!*e) return fail(not_found(id));
  if (as_json) {
    std::cout << endpoint_json(**e).dump(2) << "\n";
  } else {
    print_endpoint(**e);
  }
  return {};
}

Status remove(db::Store& db, std::string_view org_name, std::string_view id, bool as_json) {
  auto org = org_id(db, org_name);
  if (!org) return fail(org.error());
  auto removed = db.webhooks().delete_endpoint(id, *org);
  if (!removed) return fail(removed.error());
  if (!*removed) return fail(not_found(id));
  if (as_json) {
    std::cout << json{{"id", id}, {"deleted", true}}.dump(2) << "\n";
  } else {
    std::cout << fmt::format("Deleted webhook endpoint {}.\n", id);
  }
  return {};
}

Status deliveries(db::Store& db, std::string_view org_name, std::string_view id, bool as_json) {
  auto org = org_id(db, org_name);
  if (!org) return fail(org.error());
  auto e = db.webhooks().get_endpoint(id, *org);
  if (!e) return fail(e.error());
  if (!*e) return fail(not_found(id));
  auto list = db.webhooks().list_deliveries(id, *org, 50);
  if (!list) return fail(list.error());
  if (as_json) {
    json out = json::array();
    for (const auto& d : *list) {
      json attempts = json::array();
      for (const auto& a : d.attempt_log) {
        attempts.push_back({{"attemptedAt", a.attempted_at}, {"httpStatus", a.http_status},
                            {"latencyMs", a.latency_ms}, {"error", a.error}});
      }
      out.push_back({{"id", d.id}, {"messageId", d.message_id}, {"type", d.type},
                     {"status", wh::to_string(d.status)}, {"attempts", attempts}});
    }
    std::cout << out.dump(2) << "\n";
    return {};
  }
  for (const auto& d : *list) {
    std::cout << fmt::format("{}  {}  {}  {}\n", d.id, d.type, wh::to_string(d.status), d.message_id);
    for (const auto& a : d.attempt_log) {
      std::cout << fmt::format("    {}  {}  {} ms  {}\n", when(a.attempted_at),
                               a.http_status ? std::to_string(a.http_status) : "-", a.latency_ms,
                               a.error);
    }
  }
  return {};
}

}  // namespace pitchreel::cli::admin_webhook
