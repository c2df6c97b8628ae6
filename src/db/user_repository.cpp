#include "db/user_repository.h"

#include <fmt/format.h>

#include "db/ids.h"
#include "db/sqlite_error.h"
#include "db/transaction.h"

namespace pitchreel::db::users {
namespace {

constexpr std::string_view kColumns = "id, organization_id, email, role, created_at";

User read(const Statement& s) {
  return {s.column_text(0), s.column_text(1), s.column_text(2),
          parse_role(s.column_text(3)).value_or(Role::kMember),  // CHECK keeps it valid
          s.column_int64(4)};
}

// invalid "organization_not_found" unless the organisation exists.
Status check_organization(Connection& conn, std::string_view organization_id) {
  auto org = conn.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  if (!org) return fail(org.error());
  if (auto s = org->bind_text(1, organization_id); !s) return fail(s.error());
  auto found = org->step();
  if (!found) return fail(found.error());
  if (!*found) {
    return fail(Error::invalid("organization_not_found",
                               fmt::format("No organization has the id '{}'.", organization_id)));
  }
  return {};
}

}  // namespace

Result<User> create(Database& db, std::string_view organization_id, std::string_view email,
                    Role role, std::int64_t now, std::optional<std::string> id) {
  User user{id && !id->empty() ? std::move(*id) : new_uuid(), std::string(organization_id),
            std::string(email), role, now};
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  // Checked first so the two constraint failures get distinct, useful errors.
  if (auto s = check_organization(conn, organization_id); !s) return fail(s.error());
  auto stmt = conn.prepare(
      "INSERT INTO users (id, organization_id, email, role, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({user.id, user.organization_id, user.email, to_string(role), now});
      !s) {
    return fail(s.error());
  }
  if (auto s = stmt->run(); !s) {
    if (is_constraint(s.error())) {
      return fail(Error::invalid("user_exists",
                                 fmt::format("A user with the id '{}' already exists.", user.id)));
    }
    return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return user;
}

Result<std::optional<User>> get(Database& db, std::string_view id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format("SELECT {} FROM users WHERE id = ?1", kColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, id); !s) return fail(s.error());
  return first_row(*stmt, read);
}

Result<std::vector<User>> list(Database& db, std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM users WHERE organization_id = ?1 ORDER BY created_at, rowid", kColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, organization_id); !s) return fail(s.error());
  return collect_rows(*stmt, read);
}

Result<std::optional<User>> move_to_organization(Database& db, std::string_view id,
                                                 std::string_view organization_id,
                                                 std::int64_t now) {
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);  // BEGIN IMMEDIATE: one writer, so one outcome
  if (!tx) return fail(tx.error());
  if (auto s = check_organization(conn, organization_id); !s) return fail(s.error());
  std::optional<User> user;
  {
    auto stmt = conn.prepare(fmt::format("SELECT {} FROM users WHERE id = ?1", kColumns));
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_text(1, id); !s) return fail(s.error());
    auto row = first_row(*stmt, read);
    if (!row) return fail(row.error());
    user = std::move(*row);
  }
  if (!user || user->organization_id == organization_id) return user;  // nothing to change
  {
    auto stmt = conn.prepare("UPDATE users SET organization_id = ?2 WHERE id = ?1");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, organization_id}); !s) return fail(s.error());
    if (auto s = stmt->run(); !s) return fail(s.error());
  }
  {
    auto stmt = conn.prepare(
        "UPDATE api_keys SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({id, now}); !s) return fail(s.error());
    if (auto s = stmt->run(); !s) return fail(s.error());
  }
  user->organization_id = std::string(organization_id);
  if (auto s = tx->commit(); !s) return fail(s.error());
  return user;
}

}  // namespace pitchreel::db::users
