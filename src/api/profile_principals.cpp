#include "api/profile_principals.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "db/clock.h"

namespace pitchreel::api {
namespace {

// The organisation named after the profile's value, created when pitchreel has none.
Result<Organization> organization_for(db::Store& store, const std::string& name,
                                      std::int64_t now) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto found = store.orgs().find_by_name(name);
    if (!found) return fail(found.error());
    if (*found) return **found;
    auto created = store.orgs().create(name, now);
    if (created) {
      spdlog::info("organisation created from a profile org={} name=\"{}\"", created->id, name);
      return *created;
    }
    if (created.error().code != "organization_exists") return fail(created.error());
    // Another node created it a moment ago: read it again.
  }
  return fail(Error::unavailable("database_busy", "The organisation could not be created; retry."));
}

// The pitchreel user for `sub` in `org`, created on first sign-in.
Result<std::optional<User>> user_for(db::Store& store, const std::string& sub,
                                     const Organization& org, Role role, std::int64_t now) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto user = store.users().get(sub);
    if (!user) return fail(user.error());
    if (*user) return *user;
    auto created = store.users().create(org.id, sub + "@profiles", role, now, sub);
    if (created) return std::optional<User>(*created);
    if (created.error().code != "user_exists") return fail(created.error());
  }
  return fail(Error::unavailable("database_busy", "The user could not be created; retry."));
}

}  // namespace

Role role_from_profile(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "owner") return Role::kOwner;
  if (lower == "admin") return Role::kAdmin;
  return Role::kMember;
}

Authenticator::ProfileLookup profile_table_lookup(db::PgProfiles& profiles, db::Store& store) {
  return [&profiles, &store](const std::string& sub) -> Result<std::optional<Principal>> {
    auto profile = profiles.find(sub);
    if (!profile) return fail(profile.error());
    if (!*profile) return std::optional<Principal>();
    if ((*profile)->organization.empty()) {
      spdlog::warn("profile without organisation refused sub={}", sub);
      return std::optional<Principal>();
    }
    const auto now = db::unix_now();
    const Role role = role_from_profile((*profile)->role);
    auto org = organization_for(store, (*profile)->organization, now);
    if (!org) return fail(org.error());
    auto user = user_for(store, sub, *org, role, now);
    if (!user) return fail(user.error());
    if ((*user)->organization_id != org->id) {
      // The shop moved the user: they follow their profile; what they made stays behind.
      const std::string from = (*user)->organization_id;
      auto moved = store.users().move_to_organization(sub, org->id, now);
      if (!moved) return fail(moved.error());
      if (!*moved) return std::optional<Principal>();  // deleted meanwhile
      spdlog::info("user moved to the profile's organisation sub={} from_org={} to_org={} "
                   "api_keys_revoked=true",
                   sub, from, org->id);
    }
    return std::optional<Principal>(Principal{sub, org->id, role});
  };
}

}  // namespace pitchreel::api
