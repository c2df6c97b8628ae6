#include "db/pg_profiles.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace pitchreel::db {
namespace {

bool plain_identifier(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s.front())) || s.front() == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string quoted(std::string_view identifier) { return fmt::format("\"{}\"", identifier); }

bool uuid_shaped(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

Error invalid_name(std::string_view setting, std::string_view value) {
  return Error::invalid(
      "auth_profiles_table_invalid",
      fmt::format("{} must be a plain name ([A-Za-z_][A-Za-z0-9_]*, or schema.table for the "
                  "table); got \"{}\".",
                  setting, value.substr(0, 80)));
}

}  // namespace

PgProfiles::PgProfiles(DatabaseTarget target, std::string sql, bool uuid_ids)
    : pool_(std::move(target), "public", 4), sql_(std::move(sql)), uuid_ids_(uuid_ids) {}

Result<std::unique_ptr<PgProfiles>> PgProfiles::open(const DatabaseTarget& target,
                                                     const ProfilesTableSpec& spec) {
  std::string schema, table = spec.table;
  if (const auto dot = spec.table.find('.'); dot != std::string::npos) {
    schema = spec.table.substr(0, dot);
    table = spec.table.substr(dot + 1);
    if (!plain_identifier(schema)) return fail(invalid_name("AUTH_PROFILES_TABLE", spec.table));
  }
  if (!plain_identifier(table)) return fail(invalid_name("AUTH_PROFILES_TABLE", spec.table));
  const std::map<std::string, std::string> columns = {
      {"AUTH_PROFILES_ID_COLUMN", spec.id_column},
      {"AUTH_PROFILES_ORG_COLUMN", spec.organization_column},
      {"AUTH_PROFILES_ROLE_COLUMN", spec.role_column}};
  for (const auto& [setting, column] : columns) {
    if (!plain_identifier(column)) return fail(invalid_name(setting, column));
  }

  // The "public" search_path: an unqualified table name resolves as in the shop's own SQL.
  auto conn = PgConnection::connect(target, "public");
  if (!conn) return fail(conn.error());
  // to_regclass resolves the name as a query would (search_path, views included) and is
  // NULL, not an error, when nothing by that name exists or may be seen.
  const std::string qualified =
      schema.empty() ? quoted(table) : fmt::format("{}.{}", quoted(schema), quoted(table));
  auto found = conn->query("SELECT to_regclass($1)::oid::bigint", {std::string_view(qualified)},
                           "looking up AUTH_PROFILES_TABLE");
  if (!found) return fail(found.error());
  if (found->is_null(0, 0)) {
    return fail(Error::invalid(
        "auth_profiles_table_missing",
        fmt::format("AUTH_PROFILES_TABLE names {}, which does not exist in {} (or this role "
                    "cannot see it). Create it, fix the name (schema.table), or unset "
                    "AUTH_PROFILES_TABLE to use pitchreel's own users.",
                    spec.table, target.describe())));
  }
  const auto oid = found->int64(0, 0);
  auto cols = conn->query(
      "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute "
      "WHERE attrelid = $1::bigint::oid AND attnum > 0 AND NOT attisdropped",
      {oid}, "reading AUTH_PROFILES_TABLE's columns");
  if (!cols) return fail(cols.error());
  std::map<std::string, std::string> types;
  for (int r = 0; r < cols->rows(); ++r) types[cols->text(r, 0)] = cols->text(r, 1);
  for (const auto& [setting, column] : columns) {
    if (!types.contains(column)) {
      std::string present;
      for (const auto& [name, type] : types) present += (present.empty() ? "" : ", ") + name;
      return fail(Error::invalid(
          "auth_profiles_column_missing",
          fmt::format("{} has no column \"{}\" ({}). Its columns: {}. Set {} to the right one.",
                      spec.table, column, setting, present, setting)));
    }
  }
  const bool uuid_ids = types.at(spec.id_column) == "uuid";
  // Compared in the column's own type, so an index on the id column is used.
  std::string sql = fmt::format("SELECT {}::text, {}::text FROM {} WHERE {} = $1{} LIMIT 1",
                                quoted(spec.organization_column), quoted(spec.role_column),
                                qualified, quoted(spec.id_column), uuid_ids ? "::uuid" : "");
  if (!uuid_ids) {
    sql = fmt::format("SELECT {}::text, {}::text FROM {} WHERE {}::text = $1 LIMIT 1",
                      quoted(spec.organization_column), quoted(spec.role_column), qualified,
                      quoted(spec.id_column));
  }
  // Reading once now proves the role has SELECT on it (a missing grant fails the start,
  // not the first sign-in).
  if (auto probe = conn->query(sql, {std::string_view("00000000-0000-0000-0000-000000000000")},
                               "reading AUTH_PROFILES_TABLE");
      !probe) {
    return fail(probe.error());
  }
  return std::make_unique<PgProfiles>(target, std::move(sql), uuid_ids);
}

Result<std::optional<ExternalProfile>> PgProfiles::find(std::string_view user_id) {
  if (uuid_ids_ && !uuid_shaped(user_id)) return std::optional<ExternalProfile>();
  auto conn = pool_.acquire();
  if (!conn) return fail(conn.error());
  auto r = (*conn)->query(sql_, {user_id}, "reading a profile");
  if (!r) return fail(r.error());
  if (r->rows() == 0) return std::optional<ExternalProfile>();
  return std::optional<ExternalProfile>(ExternalProfile{r->text(0, 0), r->text(0, 1)});
}

}  // namespace pitchreel::db
