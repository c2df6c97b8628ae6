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

namespace pitchreel::db::api_keys {

// A stored key as shown to its owner: never the hash.
struct ApiKey {
  std::string id;
  std::string user_id;
  std::string prefix;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
  std::optional<std::int64_t> last_used_at;
};

// The result of authenticating with a key.
struct KeyMatch {
  std::string key_id;
  Principal principal;
  std::optional<std::int64_t> last_used_at;
};

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

// Records a use. Coarse on purpose: last_used_at is written at most once per
// kTouchGranularitySeconds per key, so authenticating is not a write per request.
inline constexpr std::int64_t kTouchGranularitySeconds = 60;
Status touch(Database& db, std::string_view key_id, std::int64_t now);
// Whether a use at `now` should be recorded (saves the UPDATE on most requests).
inline bool touch_due(std::optional<std::int64_t> last_used_at, std::int64_t now) {
  return !last_used_at || *last_used_at <= now - kTouchGranularitySeconds;
}

}  // namespace pitchreel::db::api_keys
