#include "db/usage_repository.h"

namespace pitchreel::db::usage {

Result<std::vector<Day>> by_day(Database& db, std::string_view organization_id,
                                std::int64_t from, std::int64_t to) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(kByDaySql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({organization_id, from, to}); !s) return fail(s.error());
  return collect_rows(*stmt, [](const Statement& s) {
    return Day{s.column_int64(0),  s.column_int64(1),  s.column_int64(2), s.column_int64(3),
               s.column_double(4), s.column_double(5), s.column_double(6)};
  });
}

Result<std::int64_t> stored_bytes(Database& db, std::string_view organization_id) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(kStoredSql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({organization_id}); !s) return fail(s.error());
  return stmt->single_int64();
}

Result<std::vector<OrgTotals>> totals(Database& db) {
  Connection conn = db.connect();
  auto stmt = conn.prepare(kTotalsSql);
  if (!stmt) return fail(stmt.error());
  return collect_rows(*stmt, [](const Statement& s) {
    return OrgTotals{s.column_text(0),   s.column_text(1),   s.column_int64(2),
                     s.column_int64(3),  s.column_double(4), s.column_double(5),
                     s.column_double(6), s.column_int64(7)};
  });
}

}  // namespace pitchreel::db::usage
