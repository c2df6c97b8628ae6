// `pitchreel admin`: an operator's tool for the service's tenants. It creates and lists
// organizations, users and API keys, and revokes keys, working directly on the service's
// database: the data directory's SQLite file, or PostgreSQL when DATABASE_URL is set (so it
// needs no running server and no credentials beyond the database's own).
//
// API keys are printed exactly once, when made; the database keeps only their hash and
// prefix, and nothing here ever prints a hash.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/usage_report.h"
#include "auth/api_key.h"
#include "cli/admin_webhook.h"
#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/config.h"
#include "core/data_dir.h"
#include "core/model.h"
#include "db/clock.h"
#include "db/open_store.h"

namespace pitchreel::cli {
namespace {

using nlohmann::json;

struct AdminArgs;
// One leaf subcommand's work. It prints its own output and returns only errors, which
// the caller reports uniformly (text or JSON, with the documented exit code).
using Action = Status (*)(const AdminArgs&, db::Store&);

struct AdminArgs {
  std::string data_dir = "data";
  bool json = false;
  // The leaves' options; each leaf reads only its own.
  std::string org_name;
  std::string email;
  std::string role;
  std::string user_id;
  std::string key_id;
  std::string webhook_id;
  std::string from, to, granularity = "day";  // usage
  ServiceConfig config;                       // loaded before the leaf runs (prices)
  // Which leaf was chosen is known only after parsing.
  std::vector<std::pair<CLI::App*, Action>> actions;
};

// ---- helpers

// RFC 4122 text form, 8-4-4-4-12 hex digits. Checked up front because a typo'd `sub`
// would otherwise make a user no JWT can ever match.
bool looks_like_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string iso_time(std::int64_t unix_seconds) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(unix_seconds)));
}

// Left-aligned columns, two spaces apart: readable, and still easy to cut/awk.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], width[c]) : row[c];
    }
    std::cout << line << "\n";
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

json org_json(const Organization& org) {
  return {{"id", org.id}, {"name", org.name}, {"createdAt", org.created_at}};
}

json user_json(const User& user) {
  return {{"id", user.id},
          {"organizationId", user.organization_id},
          {"email", user.email},
          {"role", to_string(user.role)},
          {"createdAt", user.created_at}};
}

json key_json(const db::api_keys::ApiKey& key) {
  auto optional_time = [](const std::optional<std::int64_t>& t) { return t ? json(*t) : json(); };
  return {{"id", key.id},
          {"prefix", key.prefix},
          {"userId", key.user_id},
          {"createdAt", key.created_at},
          {"revokedAt", optional_time(key.revoked_at)},
          {"lastUsedAt", optional_time(key.last_used_at)}};
}

Result<Organization> require_org(db::Store& db, std::string_view name) {
  auto org = db.orgs().find_by_name(name);
  if (!org) return fail(org.error());
  if (!*org) {
    return fail(Error::invalid("org_not_found",
                               fmt::format("No organization is named '{}'. See `pitchreel admin "
                                           "org list`.",
                                           name)));
  }
  return std::move(**org);
}

// Reusing an existing organization by name lets a script add users one at a time.
Result<Organization> find_or_create_org(db::Store& db, std::string_view name,
                                        std::int64_t now) {
  auto found = db.orgs().find_by_name(name);
  if (!found) return fail(found.error());
  if (*found) return std::move(**found);
  auto created = db.orgs().create(name, now);
  // Another process may have created it between the two calls; take theirs.
  if (!created && created.error().code == "organization_exists") return require_org(db, name);
  return created;
}

struct IssuedKey {
  std::string id;
  NewApiKey key;
};

Result<IssuedKey> issue_key(db::Store& db, std::string_view user_id, std::int64_t now) {
  NewApiKey key = generate_api_key();
  auto id = db.api_keys().store(user_id, key.prefix, key.hash, now);
  if (!id) return fail(id.error());
  return IssuedKey{std::move(*id), std::move(key)};
}

// On stderr, so a person sees it but a script capturing stdout gets only the result.
void print_key_notice() {
  std::cerr << "Store this API key now: it is shown only once and cannot be recovered.\n";
}

// ---- leaves

Status org_create(const AdminArgs& a, db::Store& db) {
  auto org = db.orgs().create(a.org_name, db::unix_now());
  if (!org) return fail(org.error());
  if (a.json) {
    std::cout << org_json(*org).dump(2) << "\n";
  } else {
    std::cout << fmt::format("Created organization '{}' with id {}.\n", org->name, org->id);
  }
  return {};
}

Status org_list(const AdminArgs& a, db::Store& db) {
  auto orgs = db.orgs().list();
  if (!orgs) return fail(orgs.error());
  if (a.json) {
    json out = json::array();
    for (const auto& org : *orgs) out.push_back(org_json(org));
    std::cout << out.dump(2) << "\n";
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& org : *orgs) rows.push_back({org.id, org.name, iso_time(org.created_at)});
  print_table({"ID", "NAME", "CREATED"}, rows);
  return {};
}

Status user_create(const AdminArgs& a, db::Store& db) {
  // Validated before anything is written, so a bad call leaves no half-made organization.
  const auto role = parse_role(a.role);
  if (!role) {
    return fail(Error::invalid("invalid_role", fmt::format("Unknown role '{}'. Use owner, admin "
                                                           "or member.",
                                                           a.role)));
  }
  std::optional<std::string> id;
  if (!a.user_id.empty()) {
    if (!looks_like_uuid(a.user_id)) {
      return fail(Error::invalid(
          "invalid_user_id",
          fmt::format("'{}' is not a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000). --id must "
                      "be the user's id in the identity provider, the `sub` of their JWT.",
                      a.user_id)));
    }
    // UUIDs are case-insensitive but stored ids are compared exactly; identity providers
    // emit lower case, so store that.
    id = a.user_id;
    std::ranges::transform(*id, id->begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (a.email.find('@') == std::string::npos) {
    return fail(Error::invalid("invalid_email",
                               fmt::format("'{}' is not an email address.", a.email)));
  }

  const std::int64_t now = db::unix_now();
  auto org = find_or_create_org(db, a.org_name, now);
  if (!org) return fail(org.error());
  auto user = db.users().create(org->id, a.email, *role, now, std::move(id));
  if (!user) return fail(user.error());
  auto issued = issue_key(db, user->id, now);
  if (!issued) return fail(issued.error());

  if (a.json) {
    json out = {{"organizationId", org->id},
                {"userId", user->id},
                {"apiKey", issued->key.key},
                {"keyId", issued->id}};
    std::cout << out.dump(2) << "\n";
  } else {
    print_key_notice();
    std::cout << fmt::format("Organization  {} ({})\n", org->id, org->name)
              << fmt::format("User          {} ({}, {})\n", user->id, user->email,
                             to_string(user->role))
              << fmt::format("Key id        {}\n", issued->id)
              << fmt::format("API key       {}\n", issued->key.key);
  }
  return {};
}

Status user_list(const AdminArgs& a, db::Store& db) {
  auto org = require_org(db, a.org_name);
  if (!org) return fail(org.error());
  auto users = db.users().list(org->id);
  if (!users) return fail(users.error());
  if (a.json) {
    json out = json::array();
    for (const auto& user : *users) out.push_back(user_json(user));
    std::cout << out.dump(2) << "\n";
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& user : *users) {
    rows.push_back(
        {user.id, user.email, std::string(to_string(user.role)), iso_time(user.created_at)});
  }
  print_table({"ID", "EMAIL", "ROLE", "CREATED"}, rows);
  return {};
}

Status key_create(const AdminArgs& a, db::Store& db) {
  auto issued = issue_key(db, a.user_id, db::unix_now());
  if (!issued) return fail(issued.error());
  if (a.json) {
    json out = {{"keyId", issued->id},
                {"userId", a.user_id},
                {"prefix", issued->key.prefix},
                {"apiKey", issued->key.key}};
    std::cout << out.dump(2) << "\n";
  } else {
    print_key_notice();
    std::cout << fmt::format("Key id   {}\n", issued->id)
              << fmt::format("API key  {}\n", issued->key.key);
  }
  return {};
}

Status key_list(const AdminArgs& a, db::Store& db) {
  auto org = require_org(db, a.org_name);
  if (!org) return fail(org.error());
  auto keys = db.api_keys().list_for_org(org->id);
  if (!keys) return fail(keys.error());
  if (a.json) {
    json out = json::array();
    for (const auto& key : *keys) out.push_back(key_json(key));
    std::cout << out.dump(2) << "\n";
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& key : *keys) {
    rows.push_back({key.prefix, key.id, key.user_id, iso_time(key.created_at),
                    key.revoked_at ? iso_time(*key.revoked_at) : "-"});
  }
  print_table({"PREFIX", "ID", "USER", "CREATED", "REVOKED"}, rows);
  return {};
}

Status key_revoke(const AdminArgs& a, db::Store& db) {
  // No organization scope: the operator may revoke any tenant's key.
  auto revoked = db.api_keys().revoke(a.key_id, std::nullopt, db::unix_now());
  if (!revoked) return fail(revoked.error());
  if (!*revoked) {
    return fail(Error::invalid(
        "key_not_found",
        fmt::format("No active API key has the id '{}' (it may already be revoked). See "
                    "`pitchreel admin key list --org NAME`.",
                    a.key_id)));
  }
  if (a.json) {
    std::cout << json{{"keyId", a.key_id}, {"revoked", true}}.dump(2) << "\n";
  } else {
    std::cout << fmt::format("Revoked API key {}.\n", a.key_id);
  }
  return {};
}

// `admin usage`: the organisation's usage and estimated cost (docs/usage.md), as the API's
// GET /api/v1/usage answers it.
Status usage(const AdminArgs& a, db::Store& db) {
  auto org = require_org(db, a.org_name);
  if (!org) return fail(org.error());
  auto query = api::parse_usage_query(a.from, a.to, a.granularity, db::unix_now());
  if (!query) return fail(query.error());
  auto report = api::usage_report(db, org->id, *query, api::Prices::from(a.config));
  if (!report) return fail(report.error());
  const json j = api::to_json(*report);
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return {};
  }
  std::cout << fmt::format("Usage of {} from {} to {} (UTC, by {}):\n", org->name,
                           j["from"].get<std::string>(), j["to"].get<std::string>(),
                           a.granularity);
  std::vector<std::vector<std::string>> rows;
  const auto row = [&](const std::string& name, const json& p) {
    std::string cost = "-";
    if (p.contains("cost") && p["cost"].contains("total")) {
      cost = fmt::format("{:.4f}", p["cost"]["total"].get<double>());
    }
    rows.push_back({name, std::to_string(p["videos"].get<std::int64_t>()),
                    std::to_string(p["failed"].get<std::int64_t>()),
                    fmt::format("{:.1f}", p["videoSeconds"].get<double>()),
                    fmt::format("{:.1f}", p["cpuSeconds"].get<double>()),
                    fmt::format("{:.1f}", p["gpuSeconds"].get<double>()), cost});
  };
  for (const auto& p : j["periods"]) row(p["period"].get<std::string>(), p);
  row("total", j["total"]);
  print_table({"PERIOD", "VIDEOS", "FAILED", "VIDEO_S", "CPU_S", "GPU_S", "COST"}, rows);
  std::cout << fmt::format("Stored now: {} bytes", report->stored_bytes);
  if (j["total"].contains("cost") && j["total"]["cost"].contains("storagePerMonth")) {
    std::cout << fmt::format(" (costs {:.4f} per month)",
                             j["total"]["cost"]["storagePerMonth"].get<double>());
  }
  std::cout << "\n";
  if (!a.config.price_gpu_hour && !a.config.price_cpu_hour) {
    std::cout << "No PRICE_GPU_HOUR or PRICE_CPU_HOUR is set: costs are left out.\n";
  }
  return {};
}

int run_admin(const AdminArgs& given) {
  AdminArgs a = given;
  const auto chosen = std::ranges::find_if(a.actions, [](const auto& e) { return e.first->parsed(); });
  if (chosen == a.actions.end()) return kExitInvalidInput;  // require_subcommand prevents this

  const DataDir dir{a.data_dir};
  if (auto s = dir.create(); !s) return report(s.error(), a.json);
  // DATABASE_URL (environment or .env, as for serve) selects PostgreSQL; otherwise the data
  // directory's SQLite file. Opening applies pending migrations, so a fresh one just works.
  auto config = load_service_config(process_environment(), "", ".env");
  if (!config) return report(config.error(), a.json);
  a.config = *config;
  auto db = db::open_state_store(*config, dir.database(), 1);
  if (!db) return report(db.error(), a.json);
  if (auto s = chosen->second(a, **db); !s) return report(s.error(), a.json);
  return kExitOk;
}

}  // namespace

Command add_admin(CLI::App& app) {
  auto args = std::make_shared<AdminArgs>();
  auto* admin =
      app.add_subcommand("admin", "Manage organizations, users and API keys in a data directory");
  admin->add_option("--data-dir", args->data_dir, "The service's data directory")
      ->envname("PITCHREEL_DATA_DIR")
      ->capture_default_str();
  admin->add_flag("--json", args->json, "Print JSON instead of text");
  admin->require_subcommand(1);
  // Inherited by every subcommand below: lets --data-dir/--json also come after them,
  // as in `pitchreel admin user create ... --json`.
  admin->fallthrough();

  auto leaf = [&](CLI::App* group, const char* name, const char* help, Action action) {
    auto* cmd = group->add_subcommand(name, help);
    args->actions.emplace_back(cmd, action);
    return cmd;
  };

  auto* org = admin->add_subcommand("org", "Organizations (tenants)")->require_subcommand(1);
  leaf(org, "create", "Create an organization", org_create)
      ->add_option("--name", args->org_name, "Unique name")
      ->required();
  leaf(org, "list", "List organizations", org_list);

  auto* user = admin->add_subcommand("user", "Users")->require_subcommand(1);
  auto* user_create_cmd =
      leaf(user, "create", "Create a user (and its organization if new) with an API key",
           user_create);
  user_create_cmd->add_option("--org", args->org_name, "Organization name")->required();
  user_create_cmd->add_option("--email", args->email, "Email address")->required();
  user_create_cmd->add_option("--role", args->role, "owner, admin or member")->required();
  user_create_cmd->add_option("--id", args->user_id,
                              "User id (UUID): the `sub` of the user's JWTs; random if omitted");
  leaf(user, "list", "List an organization's users", user_list)
      ->add_option("--org", args->org_name, "Organization name")
      ->required();

  auto* key = admin->add_subcommand("key", "API keys")->require_subcommand(1);
  leaf(key, "create", "Make a new API key for a user (shown once)", key_create)
      ->add_option("--user", args->user_id, "User id")
      ->required();
  leaf(key, "list", "List an organization's API keys (never the keys themselves)", key_list)
      ->add_option("--org", args->org_name, "Organization name")
      ->required();
  leaf(key, "revoke", "Revoke an API key", key_revoke)
      ->add_option("--id", args->key_id, "Key id (see `key list`)")
      ->required();

  auto* webhook = admin->add_subcommand("webhook", "Webhook endpoints (docs/webhooks.md)")
                      ->require_subcommand(1);
  leaf(webhook, "list", "List an organization's webhook endpoints and their state",
       [](const AdminArgs& a, db::Store& db) { return admin_webhook::list(db, a.org_name, a.json); })
      ->add_option("--org", args->org_name, "Organization name")
      ->required();
  struct ByIdLeaf {
    const char* name;
    const char* help;
    Action action;
  };
  const ByIdLeaf by_id[] = {
      {"disable", "Disable a webhook endpoint (deliveries wait until it is enabled)",
       [](const AdminArgs& a, db::Store& db) {
         return admin_webhook::set_enabled(db, a.org_name, a.webhook_id, false, a.json);
       }},
      {"enable", "Enable a webhook endpoint again (also after automatic disabling)",
       [](const AdminArgs& a, db::Store& db) {
         return admin_webhook::set_enabled(db, a.org_name, a.webhook_id, true, a.json);
       }},
      {"delete", "Delete a webhook endpoint and its deliveries",
       [](const AdminArgs& a, db::Store& db) {
         return admin_webhook::remove(db, a.org_name, a.webhook_id, a.json);
       }},
      {"deliveries", "Show a webhook endpoint's recent deliveries and their attempts",
       [](const AdminArgs& a, db::Store& db) {
         return admin_webhook::deliveries(db, a.org_name, a.webhook_id, a.json);
       }},
  };
  for (const auto& l : by_id) {
    auto* cmd = leaf(webhook, l.name, l.help, l.action);
    cmd->add_option("--org", args->org_name, "Organization name")->required();
    cmd->add_option("--id", args->webhook_id, "Endpoint id (see `webhook list`)")->required();
  }
  auto* usage_cmd = leaf(admin, "usage",
                         "An organization's usage and estimated cost (PRICE_* settings)", usage);
  usage_cmd->add_option("--org", args->org_name, "Organization name")->required();
  usage_cmd->add_option("--from", args->from, "First day, YYYY-MM-DD (UTC; default: 29 days before --to)");
  usage_cmd->add_option("--to", args->to, "Last day, YYYY-MM-DD (UTC; default: today)");
  usage_cmd->add_option("--granularity", args->granularity, "day or month")
      ->capture_default_str();

  return {admin, [args]() -> int { return run_admin(*args); }};
}

}  // namespace pitchreel::cli
