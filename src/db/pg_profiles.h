// PgProfiles: a shop's own table of user profiles (Supabase's public.profiles, or any
// table with a user id, an organisation and a role), read in place so that JWT sign-in
// needs no copy of the shop's users in pitchreel. pitchreel only ever SELECTs from it.
//
// The table is named as "schema.table" or "table" (then the connection's search_path
// decides, usually public), the three columns by name; identifiers are limited to
// [A-Za-z_][A-Za-z0-9_]* and quoted in SQL, so a setting can never inject anything.
//
// open() checks, with the server's own catalogue, that the table and the three columns
// exist and that this role may read it; start-up is refused otherwise:
//   invalid "auth_profiles_table_invalid"  a name is not a plain identifier;
//   invalid "auth_profiles_table_missing"  no such table or view;
//   invalid "auth_profiles_column_missing" a column is missing (names it and its setting);
//   plus the connection errors of PgConnection (database_unreachable, ...).
// find() errors are those of PgConnection; "no row" is nullopt.
//
// Thread safety: find() may be called from any number of threads (a small pool inside).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "db/database_url.h"
#include "db/pg_pool.h"

namespace pitchreel::db {

struct ProfilesTableSpec {
  std::string table;  // "public.profiles" or "profiles"
  std::string id_column = "id";
  std::string organization_column = "organization_id";
  std::string role_column = "role";
};

struct ExternalProfile {
  std::string organization;  // the organisation column as text; empty when NULL
  std::string role;          // the role column as text; empty when NULL
};

class PgProfiles {
 public:
  static Result<std::unique_ptr<PgProfiles>> open(const DatabaseTarget& target,
                                                  const ProfilesTableSpec& spec);
  // The profile whose id column equals `user_id`.
  Result<std::optional<ExternalProfile>> find(std::string_view user_id);

  PgProfiles(DatabaseTarget target, std::string sql, bool uuid_ids);

 private:
  PgPool pool_;
  std::string sql_;
  bool uuid_ids_;  // the id column is uuid: a subject that is no UUID matches nothing
};

}  // namespace pitchreel::db
