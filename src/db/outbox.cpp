#include "db/outbox.h"

namespace pitchreel::db {

Result<std::int64_t> outbox_append(Connection& conn, std::string_view organization_id,
                                   std::string_view type, std::string_view payload_json,
                                   std::int64_t now) {
  auto stmt = conn.prepare(
      "INSERT INTO outbox (organization_id, type, payload, created_at) VALUES (?1, ?2, ?3, ?4) "
      "RETURNING id");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({organization_id, type, payload_json, now}); !s) {
    return fail(s.error());
  }
  auto id = stmt->single_int64();
  if (!id) return fail(id.error());
  return *id;
}

Result<std::int64_t> pg_outbox_append(PgConnection& conn, std::string_view organization_id,
                                      std::string_view type, std::string_view payload_json,
                                      std::int64_t now) {
  auto r = conn.query(
      "INSERT INTO outbox (organization_id, type, payload, created_at) "
      "VALUES ($1, $2, $3, $4::bigint) RETURNING id",
      {organization_id, type, payload_json, now}, "appending an outbox event");
  if (!r) return fail(r.error());
  return r->int64(0, 0);
}

}  // namespace pitchreel::db
