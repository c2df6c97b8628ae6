// API keys, stored only as the SHA-256 hex of the full key (src/auth makes and hashes
// keys; this file never sees a key). `prefix` is the key's first characters, kept so a
// person can tell keys apart in a list.
//
// Functions lock the Database for their duration; each is atomic. "Not found" is an
// empty optional or `false`, never an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "db/database.h"
#include "db/store_types.h"

namespace pitchreel::db::api_keys {



// Stores a key and returns its new id. Errors: invalid "user_not_found";
// invalid "api_key_exists" when the hash is already stored (a key was reused).
Result<std::string> store(Database& db, std::string_view user_id, std::string_view prefix,
                          std::string_view hash, std::int64_t now);

// The unrevoked key with this hash and who it belongs to (joined with users, so the
// role and organization are the user's current ones).
Result<std::optional<KeyMatch>> find_active_by_hash(Database& db, std::string_view hash);

// Revokes an unrevoked key. With `organization_id`, only a key of a user in that
// organization (what the API must pass, so one tenant cannot revoke another's keys);
// std::nullopt is for operators (the admin CLI). false: no such active key in scope.
Result<bool> revoke(Database& db, std::string_view key_id,
                    std::optional<std::string_view> organization_id, std::int64_t now);

// Keys, newest first, revoked ones included.
Result<std::vector<ApiKey>> list_for_user(Database& db, std::string_view user_id);
Result<std::vector<ApiKey>> list_for_org(Database& db, std::string_view organization_id);

// Records a use (see kTouchGranularitySeconds in store_types.h).

Status touch(Database& db, std::string_view key_id, std::int64_t now);

}  // namespace pitchreel::db::api_keys
