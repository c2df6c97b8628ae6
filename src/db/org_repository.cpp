#include "db/org_repository.h"

#include <fmt/format.h>

#include <string>

#include "db/ids.h"
#include "db/sqlite_error.h"

namespace pitchreel::db::orgs {
namespace {

constexpr std::string_view kColumns = "id, name, created_at";

Organization read(const Statement& s) {
  return {s.column_text(0), s.column_text(1), s.column_int64(2)};
}

Result<std::optional<Organization>> find_one(Database& db, std::string_view where,
                                             std::string_view value) {
  Connection conn = db.connect();
  auto stmt =
      conn.prepare(fmt::format("SELECT {} FROM organizations WHERE {} = ?1", kColumns, where));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, value); !s) return fail(s.error());
  return first_row(*stmt, read);
}

}  // namespace

Result<Organization> create(Database& db, std::string_view name, std::int64_t now) {
  if (name.empty()) {
    return fail(Error::invalid("organization_name_empty", "An organization needs a name."));
  }
  Organization org{new_uuid(), std::string(name), now};
  Connection conn = db.connect();
  auto stmt = conn.prepare("INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({org.id, org.name, org.created_at}); !s) return fail(s.error());
  if (auto s = stmt->run(); !s) {
    if (is_constraint(s.error())) {
      return fail(Error::invalid("organization_exists",
                                 fmt::format("An organization named '{}' already exists.", name)));
    }
    return fail(s.error());
  }
  return org;
}

Result<std::optional<Organization>> get(Database& db, std::string_view id) {
  return find_one(db, "id", id);
}

Result<std::optional<Organization>> find_by_name(Database& db, std::string_view name) {
  return find_one(db, "name", name);
}

Result<std::vector<Organization>> list(Database& db) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      fmt::format("SELECT {} FROM organizations ORDER BY created_at, rowid", kColumns));
  if (!stmt) return fail(stmt.error());
  return collect_rows(*stmt, read);
}

}  // namespace pitchreel::db::orgs
