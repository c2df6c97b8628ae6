#include "db/api_key_repository.h"

#include <fmt/format.h>

#include "db/ids.h"
#include "db/sqlite_error.h"
#include "db/transaction.h"

namespace pitchreel::db::api_keys {
namespace {

constexpr std::string_view kColumns =
    "k.id, k.user_id, k.prefix, k.created_at, k.revoked_at, k.last_used_at";

ApiKey read(const Statement& s) {
  return {s.column_text(0),  s.column_text(1),           s.column_text(2),
          s.column_int64(3), s.column_optional_int64(4), s.column_optional_int64(5)};
}

}  // namespace

Result<std::string> store(Database& db, std::string_view user_id, std::string_view prefix,
                          std::string_view hash, std::int64_t now) {
  std::string id = new_uuid();
  Connection conn = db.connect();
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  {
    auto user = conn.prepare("SELECT 1 FROM users WHERE id = ?1");
    if (!user) return fail(user.error());
    if (auto s = user->bind_text(1, user_id); !s) return fail(s.error());
    auto found = user->step();
    if (!found) return fail(found.error());
    if (!*found) {
      return fail(
          Error::invalid("user_not_found", fmt::format("No user has the id '{}'.", user_id)));
    }
  }
  auto stmt = conn.prepare(
      "INSERT INTO api_keys (id, user_id, prefix, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({id, user_id, prefix, hash, now}); !s) return fail(s.error());
  if (auto s = stmt->run(); !s) {
    if (is_constraint(s.error())) {
      return fail(Error::invalid("api_key_exists", "This API key is already stored."));
    }
    return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return id;
}

Result<std::optional<KeyMatch>> find_active_by_hash(Database& db, std::string_view hash) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      "SELECT k.id, u.id, u.organization_id, u.role, k.last_used_at FROM api_keys k "
      "JOIN users u ON u.id = k.user_id WHERE k.hash = ?1 AND k.revoked_at IS NULL");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, hash); !s) return fail(s.error());
  return first_row(*stmt, [](const Statement& s) {
    return KeyMatch{s.column_text(0),
                    Principal{s.column_text(1), s.column_text(2),
                              parse_role(s.column_text(3)).value_or(Role::kMember)},
                    s.column_optional_int64(4)};
  });
}

Result<bool> revoke(Database& db, std::string_view key_id,
                    std::optional<std::string_view> organization_id, std::int64_t now) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      "UPDATE api_keys SET revoked_at = ?3 WHERE id = ?1 AND revoked_at IS NULL "
      "AND (?2 IS NULL OR user_id IN (SELECT id FROM users WHERE organization_id = ?2))");
  if (!stmt) return fail(stmt.error());
  const Value org = organization_id ? Value{*organization_id} : Value{nullptr};
  if (auto s = stmt->bind_all({key_id, org, now}); !s) return fail(s.error());
  if (auto s = stmt->run(); !s) return fail(s.error());
  return conn.changes() > 0;
}

Result<std::vector<ApiKey>> list_for_user(Database& db, std::string_view user_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM api_keys k WHERE k.user_id = ?1 ORDER BY k.created_at DESC, k.rowid DESC",
      kColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, user_id); !s) return fail(s.error());
  return collect_rows(*stmt, read);
}

Result<std::vector<ApiKey>> list_for_org(Database& db, std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      fmt::format("SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id "
                  "WHERE u.organization_id = ?1 ORDER BY k.created_at DESC, k.rowid DESC",
                  kColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_text(1, organization_id); !s) return fail(s.error());
  return collect_rows(*stmt, read);
}

Status touch(Database& db, std::string_view key_id, std::int64_t now) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(
      "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 "
      "AND (last_used_at IS NULL OR last_used_at <= ?2 - ?3)");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({key_id, now, kTouchGranularitySeconds}); !s) return s;
  return stmt->run();
}

}  // namespace pitchreel::db::api_keys
