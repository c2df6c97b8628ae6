// Users (the seed's `profiles`): a person in one organization with one role.
//
// Functions lock the Database for their duration; each is atomic. "Not found" is an
// empty optional, never an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"

namespace pitchreel::db::users {

// `id` lets a JWT's `sub` (an existing Supabase UUID) become the user id; without it a
// fresh UUID is made. Errors: invalid "organization_not_found" when the organization does
// not exist, invalid "user_exists" when the id is taken.
Result<User> create(Database& db, std::string_view organization_id, std::string_view email,
                    Role role, std::int64_t now, std::optional<std::string> id = std::nullopt);

Result<std::optional<User>> get(Database& db, std::string_view id);

// The organization's users, oldest first.
Result<std::vector<User>> list(Database& db, std::string_view organization_id);

// UserRepository::move_to_organization (store.h).
Result<std::optional<User>> move_to_organization(Database& db, std::string_view id,
                                                 std::string_view organization_id,
                                                 std::int64_t now);

}  // namespace pitchreel::db::users
