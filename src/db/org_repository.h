// Organizations: the tenants. Every other row belongs to exactly one.
//
// Functions lock the Database for their duration (see database.h); each is atomic.
// "Not found" is an empty optional, never an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"

namespace pitchreel::db::orgs {

// A new organization with a fresh UUID. Names are unique: a taken name is
// invalid "organization_exists"; an empty name is invalid "organization_name_empty".
Result<Organization> create(Database& db, std::string_view name, std::int64_t now);

Result<std::optional<Organization>> get(Database& db, std::string_view id);
Result<std::optional<Organization>> find_by_name(Database& db, std::string_view name);

// All organizations, oldest first.
Result<std::vector<Organization>> list(Database& db);

}  // namespace pitchreel::db::orgs
