#include "db/webhook_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/ids.h"
#include "db/outbox.h"
#include "db/transaction.h"

namespace pitchreel::db {
namespace {

using namespace webhooks;

constexpr std::string_view kEndpointColumns =
    "id, organization_id, url, description, events, secret, previous_secret, "
    "previous_secret_expires_at, disabled_at, disabled_reason, created_at, updated_at";

Endpoint read_endpoint(const Statement& s) {
  Endpoint e;
  e.id = s.column_text(0);
  e.organization_id = s.column_text(1);
  e.url = s.column_text(2);
  e.description = s.column_text(3);
  e.events = decode_event_filter(s.column_text(4));
  e.secret = s.column_text(5);
  e.previous_secret = s.column_text(6);
  e.previous_secret_expires_at = s.column_optional_int64(7);
  e.disabled_at = s.column_optional_int64(8);
  e.disabled_reason = s.column_text(9);
  e.created_at = s.column_int64(10);
  e.updated_at = s.column_int64(11);
  return e;
}

DeliveryStatus parse_status(const std::string& text) {
  if (text == "delivered") return DeliveryStatus::kDelivered;
  if (text == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

Result<std::optional<Endpoint>> find_endpoint(Connection& conn, std::string_view id,
                                              std::string_view org) {
  auto stmt = conn.prepare(fmt::format(
      "SELECT {} FROM webhook_endpoints WHERE id = ?1 AND organization_id = ?2", kEndpointColumns));
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all({id, org}); !s) return fail(s.error());
  return first_row(*stmt, read_endpoint);
}

Status run(Connection& conn, std::string_view sql, std::initializer_list<Value> values) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(values); !s) return s;
  return stmt->run();
}

class SqliteWebhooks final : public WebhookStore {
 public:
  explicit SqliteWebhooks(Database& db) : db_(db) {}

  Result<Endpoint> create_endpoint(const NewEndpoint& n, std::int64_t now) override {
    Endpoint e;
    e.id = new_uuid();
    e.organization_id = n.organization_id;
    e.url = n.url;
    e.description = n.description;
    e.events = n.events;
    e.secret = n.secret;
    e.created_at = e.updated_at = now;
    Connection conn = db_.connect();
    const std::string events = encode_event_filter(n.events);
    if (auto s = run(conn,
                     "INSERT INTO webhook_endpoints (id, organization_id, url, description, "
                     "events, secret, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                     {e.id, e.organization_id, e.url, e.description, events, e.secret, now});
        !s) {
      return fail(s.error());
    }
    return e;
  }

  Result<std::vector<Endpoint>> list_endpoints(std::string_view org) override {
    Connection conn = db_.connect();
    auto stmt = conn.prepare(fmt::format(
        "SELECT {} FROM webhook_endpoints WHERE organization_id = ?1 ORDER BY created_at, rowid",
        kEndpointColumns));
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({org}); !s) return fail(s.error());
    return collect_rows(*stmt, read_endpoint);
  }

  Result<std::optional<Endpoint>> get_endpoint(std::string_view id, std::string_view org) override {
    Connection conn = db_.connect();
    return find_endpoint(conn, id, org);
  }

  Result<std::optional<Endpoint>> update_endpoint(std::string_view id, std::string_view org,
                                                  const EndpointPatch& p,
                                                  std::int64_t now) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    auto found = find_endpoint(conn, id, org);
    if (!found || !*found) return found;
    Endpoint e = std::move(**found);
    if (p.url) e.url = *p.url;
    if (p.description) e.description = *p.description;
    if (p.events) e.events = *p.events;
    if (p.enabled && *p.enabled) {
      e.disabled_at.reset();
      e.disabled_reason.clear();
    } else if (p.enabled && !e.disabled_at) {
      e.disabled_at = now;
      e.disabled_reason = "disabled by a user";
    }
    e.updated_at = now;
    const std::string events = encode_event_filter(e.events);
    if (auto s = run(conn,
                     "UPDATE webhook_endpoints SET url = ?2, description = ?3, events = ?4, "
                     "disabled_at = ?5, disabled_reason = ?6, updated_at = ?7 WHERE id = ?1",
                     {e.id, e.url, e.description, events,
                      e.disabled_at ? Value{*e.disabled_at} : Value{nullptr},
                      text_or_null(e.disabled_reason), now});
        !s) {
      return fail(s.error());
    }
    if (auto s = tx->commit(); !s) return fail(s.error());
    return std::optional<Endpoint>{std::move(e)};
  }

  Result<bool> delete_endpoint(std::string_view id, std::string_view org) override {
    Connection conn = db_.connect();
    if (auto s = run(conn, "DELETE FROM webhook_endpoints WHERE id = ?1 AND organization_id = ?2",
                     {id, org});
        !s) {
      return fail(s.error());
    }
    return conn.changes() > 0;
  }

  Result<std::optional<Endpoint>> rotate_secret(std::string_view id, std::string_view org,
                                                std::string_view new_secret,
                                                std::int64_t previous_valid_until,
                                                std::int64_t now) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    if (auto s = run(conn,
                     "UPDATE webhook_endpoints SET previous_secret = secret, "
                     "previous_secret_expires_at = ?3, secret = ?4, updated_at = ?5 "
                     "WHERE id = ?1 AND organization_id = ?2",
                     {id, org, previous_valid_until, new_secret, now});
        !s) {
      return fail(s.error());
    }
    auto found = find_endpoint(conn, id, org);
    if (!found) return found;
    if (auto s = tx->commit(); !s) return fail(s.error());
    return found;
  }

  Result<std::int64_t> append_event(std::string_view org, std::string_view type,
                                    std::string_view payload, std::int64_t now) override {
    Connection conn = db_.connect();
    return outbox_append(conn, org, type, payload, now);
  }

  Result<std::vector<OutboxEvent>> pending_events(int limit) override {
    Connection conn = db_.connect();
    auto stmt = conn.prepare(
        "SELECT id, organization_id, type, payload, created_at FROM outbox "
        "WHERE fanned_out_at IS NULL ORDER BY id LIMIT ?1");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({std::int64_t{limit}}); !s) return fail(s.error());
    return collect_rows(*stmt, [](const Statement& s) {
      return OutboxEvent{s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3),
                         s.column_int64(4)};
    });
  }

  Result<std::optional<int>> fan_out(std::int64_t event_id, std::string_view message_id,
                                     std::string_view body, std::int64_t now) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    if (auto s = run(conn,
                     "UPDATE outbox SET fanned_out_at = ?2, message_id = ?3, body = ?4 "
                     "WHERE id = ?1 AND fanned_out_at IS NULL",
                     {event_id, now, message_id, body});
        !s) {
      return fail(s.error());
    }
    if (conn.changes() == 0) return std::optional<int>{};  // another node did it
    // Delivery ids are made in SQL (random, UUID-shaped) because one statement inserts
    // a row per subscribed endpoint.
    if (auto s = run(conn,
                     "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, outbox_id, "
                     "status, next_attempt_at, created_at, updated_at) "
                     "SELECT lower(hex(randomblob(16))), e.id, e.organization_id, o.id, "
                     "'pending', ?2, ?2, ?2 FROM outbox o JOIN webhook_endpoints e "
                     "ON e.organization_id = o.organization_id "
                     "WHERE o.id = ?1 AND e.disabled_at IS NULL "
                     "AND (e.events = '' OR instr(e.events, ',' || o.type || ',') > 0)",
                     {event_id, now});
        !s) {
      return fail(s.error());
    }
    const int created = static_cast<int>(conn.changes());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return std::optional<int>{created};
  }

  Result<std::optional<std::string>> enqueue_ping(std::string_view endpoint_id,
                                                  std::string_view org,
                                                  std::string_view message_id,
                                                  std::string_view body,
                                                  std::int64_t now) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    auto found = find_endpoint(conn, endpoint_id, org);
    if (!found) return fail(found.error());
    if (!*found) return std::optional<std::string>{};
    auto event = outbox_append(conn, org, "ping", "{}", now);
    if (!event) return fail(event.error());
    if (auto s = run(conn,
                     "UPDATE outbox SET fanned_out_at = ?2, message_id = ?3, body = ?4 WHERE id = ?1",
                     {*event, now, message_id, body});
        !s) {
      return fail(s.error());
    }
    std::string id = new_uuid();
    if (auto s = run(conn,
                     "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, outbox_id, "
                     "status, next_attempt_at, created_at, updated_at) "
                     "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?5)",
                     {id, endpoint_id, org, *event, now});
        !s) {
      return fail(s.error());
    }
    if (auto s = tx->commit(); !s) return fail(s.error());
    return std::optional<std::string>{std::move(id)};
  }

  Result<std::vector<DeliveryTask>> claim_deliveries(std::string_view worker_id,
                                                     std::int64_t lease_seconds, int limit,
                                                     std::int64_t now) override {
    // A token per claim, so this claim's rows are told apart from any other's.
    const std::string lease = fmt::format("{}#{}", worker_id, new_uuid());
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    if (auto s = run(conn,
                     "UPDATE webhook_deliveries SET lease_owner = ?1, lease_expires_at = ?2 "
                     "WHERE id IN (SELECT d.id FROM webhook_deliveries d "
                     "  JOIN webhook_endpoints e ON e.id = d.endpoint_id "
                     "  WHERE d.status = 'pending' AND d.next_attempt_at <= ?3 "
                     "  AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= ?3) "
                     "  AND e.disabled_at IS NULL ORDER BY d.next_attempt_at, d.rowid LIMIT ?4)",
                     {lease, now + lease_seconds, now, std::int64_t{limit}});
        !s) {
      return fail(s.error());
    }
    std::vector<DeliveryTask> tasks;
    {
      auto stmt = conn.prepare(
          "SELECT d.id, d.endpoint_id, d.organization_id, e.url, e.secret, "
          "CASE WHEN e.previous_secret_expires_at > ?2 THEN e.previous_secret END, "
          "o.message_id, o.type, o.body, d.attempts FROM webhook_deliveries d "
          "JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN outbox o ON o.id = d.outbox_id "
          "WHERE d.lease_owner = ?1 AND d.status = 'pending' "
          "ORDER BY d.next_attempt_at, d.rowid");
      if (!stmt) return fail(stmt.error());
      if (auto s = stmt->bind_all({lease, now}); !s) {
        return fail(s.error());
      }
      auto rows = collect_rows(*stmt, [&lease](const Statement& s) {
        DeliveryTask t;
        t.lease = lease;
        t.delivery_id = s.column_text(0);
        t.endpoint_id = s.column_text(1);
        t.organization_id = s.column_text(2);
        t.url = s.column_text(3);
        t.secret = s.column_text(4);
        t.previous_secret = s.column_text(5);
        t.message_id = s.column_text(6);
        t.type = s.column_text(7);
        t.body = s.column_text(8);
        t.attempts = static_cast<int>(s.column_int64(9));
        return t;
      });
      if (!rows) return fail(rows.error());
      tasks = std::move(*rows);
    }
    if (auto s = tx->commit(); !s) return fail(s.error());
    return tasks;
  }

  Result<bool> record_attempt(std::string_view delivery_id, std::string_view lease,
                              const AttemptRecord& a, std::int64_t now) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    if (auto s = run(conn,
                     "UPDATE webhook_deliveries SET status = ?3, attempts = attempts + 1, "
                     "next_attempt_at = ?4, last_error = ?5, lease_owner = NULL, "
                     "lease_expires_at = NULL, updated_at = ?6 "
                     "WHERE id = ?1 AND lease_owner = ?2 AND status = 'pending'",
                     {delivery_id, lease, to_string(a.outcome),
                      a.outcome == DeliveryStatus::kPending ? a.next_attempt_at : now,
                      text_or_null(a.error), now});
        !s) {
      return fail(s.error());
    }
    if (conn.changes() == 0) return false;
    if (auto s = run(conn,
                     "INSERT INTO webhook_attempts (delivery_id, attempted_at, http_status, "
                     "latency_ms, error, response_body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     {delivery_id, now, std::int64_t{a.http_status}, a.latency_ms, a.error,
                      a.response_body});
        !s) {
      return fail(s.error());
    }
    if (!a.disable_endpoint_reason.empty()) {
      if (auto s = run(conn,
                       "UPDATE webhook_endpoints SET disabled_at = ?2, disabled_reason = ?3, "
                       "updated_at = ?2 WHERE id = (SELECT endpoint_id FROM webhook_deliveries "
                       "WHERE id = ?1) AND disabled_at IS NULL",
                       {delivery_id, now, a.disable_endpoint_reason});
          !s) {
        return fail(s.error());
      }
    }
    if (auto s = tx->commit(); !s) return fail(s.error());
    return true;
  }

  Result<std::vector<Delivery>> list_deliveries(std::string_view endpoint_id, std::string_view org,
                                                int limit) override {
    // One statement, so the deliveries and their attempt logs come from one snapshot: a row read
    // before an attempt committed never pairs with that attempt's log entry.
    Connection conn = db_.connect();
    auto stmt = conn.prepare(
        "WITH d AS (SELECT d.id, d.endpoint_id, o.message_id, o.type, d.status, d.attempts, "
        "d.next_attempt_at, d.last_error, d.created_at, d.rowid AS seq FROM webhook_deliveries d "
        "JOIN outbox o ON o.id = d.outbox_id WHERE d.endpoint_id = ?1 AND d.organization_id = ?2 "
        "ORDER BY d.created_at DESC, d.rowid DESC LIMIT ?3) "
        "SELECT d.id, d.endpoint_id, d.message_id, d.type, d.status, d.attempts, "
        "d.next_attempt_at, d.last_error, d.created_at, a.id, a.attempted_at, a.http_status, "
        "a.latency_ms, a.error, a.response_body FROM d LEFT JOIN webhook_attempts a "
        "ON a.delivery_id = d.id ORDER BY d.created_at DESC, d.seq DESC, a.id");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all({endpoint_id, org, std::int64_t{std::clamp(limit, 1, 100)}}); !s) {
      return fail(s.error());
    }
    std::vector<Delivery> out;
    for (;;) {
      auto row = stmt->step();
      if (!row) return fail(row.error());
      if (!*row) return out;
      const Statement& s = *stmt;
      if (out.empty() || out.back().id != s.column_text(0)) {
        Delivery d;
        d.id = s.column_text(0);
        d.endpoint_id = s.column_text(1);
        d.message_id = s.column_text(2);
        d.type = s.column_text(3);
        d.status = parse_status(s.column_text(4));
        d.attempts = static_cast<int>(s.column_int64(5));
        d.next_attempt_at = s.column_int64(6);
        d.last_error = s.column_text(7);
        d.created_at = s.column_int64(8);
        out.push_back(std::move(d));
      }
      if (!s.is_null(9)) {
        out.back().attempt_log.push_back({s.column_int64(10),
                                          static_cast<long>(s.column_int64(11)),
                                          s.column_int64(12), s.column_text(13),
                                          s.column_text(14)});
      }
    }
  }

  Result<bool> redeliver(std::string_view delivery_id, std::string_view endpoint_id,
                         std::string_view org, std::int64_t now) override {
    Connection conn = db_.connect();
    if (auto s = run(conn,
                     "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, "
                     "next_attempt_at = ?4, lease_owner = NULL, lease_expires_at = NULL, "
                     "updated_at = ?4 WHERE id = ?1 AND endpoint_id = ?2 AND organization_id = ?3",
                     {delivery_id, endpoint_id, org, now});
        !s) {
      return fail(s.error());
    }
    return conn.changes() > 0;
  }

  Result<int> prune(std::int64_t before, int limit) override {
    Connection conn = db_.connect();
    auto tx = Transaction::begin(conn);
    if (!tx) return fail(tx.error());
    // One writer at a time, so nothing changes between the two statements. The first takes
    // the deliveries (attempts cascade) of the `limit` oldest events that are done with; the
    // second then finds exactly those events: the oldest fanned-out ones with no delivery
    // left (an event that never had one was done with already).
    if (auto s = run(conn,
                     "DELETE FROM webhook_deliveries WHERE outbox_id IN (SELECT o.id FROM outbox o "
                     "WHERE o.fanned_out_at IS NOT NULL AND o.created_at < ?1 "
                     "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = o.id "
                     "AND (d.status = 'pending' OR d.updated_at >= ?1)) "
                     "ORDER BY o.id LIMIT ?2)",
                     {before, std::int64_t{limit}});
        !s) {
      return fail(s.error());
    }
    if (auto s = run(conn,
                     "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o "
                     "WHERE o.fanned_out_at IS NOT NULL AND o.created_at < ?1 "
                     "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = o.id) "
                     "ORDER BY o.id LIMIT ?2)",
                     {before, std::int64_t{limit}});
        !s) {
      return fail(s.error());
    }
    const auto deleted = static_cast<int>(conn.changes());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return deleted;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<WebhookStore> make_sqlite_webhooks(Database& db) {
  return std::make_unique<SqliteWebhooks>(db);
}

}  // namespace pitchreel::db
