// The generic outbox append: a change that must announce itself to webhooks (a batch that
// completed, ...) calls this INSIDE its own transaction, so the event exists if and only
// if the change commits. `payload_json` becomes the event's `data` as is (a JSON object);
// `type` must be one of webhooks::kEventTypes. Job and video events are appended by
// triggers and need no call. Errors: as any statement of the connection's engine.
//
//   SQLite:      auto tx = Transaction::begin(conn); ...; outbox_append(conn, ...); tx->commit();
//   PostgreSQL:  auto tx = PgTransaction::begin(c);  ...; pg_outbox_append(c, ...); tx->commit();
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "db/database.h"
#include "db/pg_connection.h"

namespace pitchreel::db {

Result<std::int64_t> outbox_append(Connection& conn, std::string_view organization_id,
                                   std::string_view type, std::string_view payload_json,
                                   std::int64_t now);
Result<std::int64_t> pg_outbox_append(PgConnection& conn, std::string_view organization_id,
                                      std::string_view type, std::string_view payload_json,
                                      std::int64_t now);

}  // namespace pitchreel::db
