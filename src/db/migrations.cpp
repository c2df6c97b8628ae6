#include "db/migrations.h"

#include <fmt/format.h>

#include "db/transaction.h"

namespace pitchreel::db {

int latest_schema_version() {
  const auto all = migrations();
  return all.empty() ? 0 : all.back().version;
}

Result<int> schema_version(Connection& conn) {
  auto stmt = conn.prepare("PRAGMA user_version");
  if (!stmt) return fail(stmt.error());
  auto v = stmt->single_int64();
  if (!v) return fail(v.error());
  return static_cast<int>(*v);
}

Status apply_migrations(Connection& conn) {
  // The version is read inside the transaction so two processes starting together
  // cannot both apply the same migration.
  auto tx = Transaction::begin(conn);
  if (!tx) return fail(tx.error());
  auto current = schema_version(conn);
  if (!current) return fail(current.error());
  const int latest = latest_schema_version();
  if (*current > latest) {
    return fail(Error::internal(
        "database_too_new",
        fmt::format("The database has schema version {} but this pitchreel knows only up to {}. "
                    "Upgrade pitchreel or point it at another database file.",
                    *current, latest)));
  }
  if (*current == latest) return {};  // nothing to do; the destructor ends the transaction
  for (const Migration& m : migrations()) {
    if (m.version <= *current) continue;
    if (auto s = conn.exec(m.sql); !s) {
      Error e = s.error();
      e.message = fmt::format("Migration {} failed: {}", m.version, e.message);
      return fail(std::move(e));
    }
  }
  // PRAGMA user_version is transactional: it is part of the database header page.
  if (auto s = conn.exec(fmt::format("PRAGMA user_version = {}", latest)); !s) return s;
  return tx->commit();
}

}  // namespace pitchreel::db
