// The PostgreSQL engine's webhooks (WebhookStore in store.h documents each method).
// Across nodes: fan_out's UPDATE ... WHERE fanned_out_at IS NULL takes the outbox row's
// lock, so of two nodes fanning out one event the second waits, then changes nothing;
// claims lock due deliveries with FOR UPDATE SKIP LOCKED, so concurrent dispatchers take
// different deliveries and never wait for each other.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "db/ids.h"
#include "db/outbox.h"
#include "db/pg_pool.h"
#include "db/store.h"

namespace pitchreel::db {
namespace {

using namespace webhooks;

template <typename F>
auto with_conn(PgPool& pool, F f) -> decltype(f(std::declval<PgConnection&>())) {
  auto lease = pool.acquire();
  if (!lease) return pitchreel::fail(lease.error());
  return f(**lease);
}

constexpr std::string_view kEndpointColumns =
    "id, organization_id, url, description, events, secret, previous_secret, "
    "previous_secret_expires_at, disabled_at, disabled_reason, created_at, updated_at";

Endpoint read_endpoint(const PgResult& r, int i) {
  Endpoint e;
  e.id = r.text(i, 0);
  e.organization_id = r.text(i, 1);
  e.url = r.text(i, 2);
  e.description = r.text(i, 3);
  e.events = decode_event_filter(r.text(i, 4));
  e.secret = r.text(i, 5);
  e.previous_secret = r.text(i, 6);
  e.previous_secret_expires_at = r.optional_int64(i, 7);
  e.disabled_at = r.optional_int64(i, 8);
  e.disabled_reason = r.text(i, 9);
  e.created_at = r.int64(i, 10);
  e.updated_at = r.int64(i, 11);
  return e;
}

DeliveryStatus parse_status(const std::string& text) {
  if (text == "delivered") return DeliveryStatus::kDelivered;
  if (text == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

Result<std::optional<Endpoint>> find_endpoint(PgConnection& c, std::string_view id,
                                              std::string_view org, bool lock) {
  auto r = c.query(fmt::format("SELECT {} FROM webhook_endpoints WHERE id = $1 AND "
                               "organization_id = $2{}",
                               kEndpointColumns, lock ? " FOR UPDATE" : ""),
                   {id, org}, "reading a webhook endpoint");
  if (!r) return pitchreel::fail(r.error());
  if (r->rows() == 0) return std::optional<Endpoint>{};
  return std::optional<Endpoint>{read_endpoint(*r, 0)};
}

class PgWebhooks final : public WebhookStore {
 public:
  explicit PgWebhooks(PgPool& pool) : pool_(pool) {}

  Result<Endpoint> create_endpoint(const NewEndpoint& n, std::int64_t now) override {
    Endpoint e;
    e.id = new_uuid();
    e.organization_id = n.organization_id;
    e.url = n.url;
    e.description = n.description;
    e.events = n.events;
    e.secret = n.secret;
    e.created_at = e.updated_at = now;
    const std::string events = encode_event_filter(n.events);
    return with_conn(pool_, [&](PgConnection& c) -> Result<Endpoint> {
      auto r = c.query(
          "INSERT INTO webhook_endpoints (id, organization_id, url, description, events, secret, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $7::bigint)",
          {e.id, e.organization_id, e.url, e.description, events, e.secret, now},
          "creating a webhook endpoint");
      if (!r) return pitchreel::fail(r.error());
      return e;
    });
  }

  Result<std::vector<Endpoint>> list_endpoints(std::string_view org) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<Endpoint>> {
      auto r = c.query(fmt::format("SELECT {} FROM webhook_endpoints WHERE organization_id = $1 "
                                   "ORDER BY created_at, seq",
                                   kEndpointColumns),
                       {org}, "listing webhook endpoints");
      if (!r) return pitchreel::fail(r.error());
      std::vector<Endpoint> out;
      for (int i = 0; i < r->rows(); ++i) out.push_back(read_endpoint(*r, i));
      return out;
    });
  }

  Result<std::optional<Endpoint>> get_endpoint(std::string_view id, std::string_view org) override {
    return with_conn(pool_, [&](PgConnection& c) { return find_endpoint(c, id, org, false); });
  }

  Result<std::optional<Endpoint>> update_endpoint(std::string_view id, std::string_view org,
                                                  const EndpointPatch& p,
                                                  std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Endpoint>> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto found = find_endpoint(c, id, org, true);
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
      auto r = c.query(
          "UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, "
          "disabled_at = $5::bigint, disabled_reason = $6, updated_at = $7::bigint WHERE id = $1",
          {e.id, e.url, e.description, events,
           e.disabled_at ? PgValue{*e.disabled_at} : PgValue{nullptr},
           pg_text_or_null(e.disabled_reason), now},
          "updating a webhook endpoint");
      if (!r) return pitchreel::fail(r.error());
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return std::optional<Endpoint>{std::move(e)};
    });
  }

  Result<bool> delete_endpoint(std::string_view id, std::string_view org) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      auto r = c.query("DELETE FROM webhook_endpoints WHERE id = $1 AND organization_id = $2",
                       {id, org}, "deleting a webhook endpoint");
      if (!r) return pitchreel::fail(r.error());
      return r->affected() > 0;
    });
  }

  Result<std::optional<Endpoint>> rotate_secret(std::string_view id, std::string_view org,
                                                std::string_view new_secret,
                                                std::int64_t previous_valid_until,
                                                std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<Endpoint>> {
      auto r = c.query(fmt::format("UPDATE webhook_endpoints SET previous_secret = secret, "
                                   "previous_secret_expires_at = $3::bigint, secret = $4, "
                                   "updated_at = $5::bigint WHERE id = $1 AND organization_id = $2 "
                                   "RETURNING {}",
                                   kEndpointColumns),
                       {id, org, previous_valid_until, new_secret, now},
                       "rotating a webhook secret");
      if (!r) return pitchreel::fail(r.error());
      if (r->rows() == 0) return std::optional<Endpoint>{};
      return std::optional<Endpoint>{read_endpoint(*r, 0)};
    });
  }

  Result<std::int64_t> append_event(std::string_view org, std::string_view type,
                                    std::string_view payload, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) {
      return pg_outbox_append(c, org, type, payload, now);
    });
  }

  Result<std::vector<OutboxEvent>> pending_events(int limit) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<OutboxEvent>> {
      auto r = c.query(
          "SELECT id, organization_id, type, payload, created_at FROM outbox "
          "WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1::bigint",
          {std::int64_t{limit}}, "reading the outbox");
      if (!r) return pitchreel::fail(r.error());
      std::vector<OutboxEvent> out;
      for (int i = 0; i < r->rows(); ++i) {
        out.push_back({r->int64(i, 0), r->text(i, 1), r->text(i, 2), r->text(i, 3),
                       r->int64(i, 4)});
      }
      return out;
    });
  }

  Result<std::optional<int>> fan_out(std::int64_t event_id, std::string_view message_id,
                                     std::string_view body, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<int>> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto marked = c.query(
          "UPDATE outbox SET fanned_out_at = $2::bigint, message_id = $3, body = $4 "
          "WHERE id = $1::bigint AND fanned_out_at IS NULL",
          {event_id, now, message_id, body}, "fanning out a webhook event");
      if (!marked) return pitchreel::fail(marked.error());
      if (marked->affected() == 0) return std::optional<int>{};
      auto r = c.query(
          "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, outbox_id, status, "
          "next_attempt_at, created_at, updated_at) "
          "SELECT gen_random_uuid()::text, e.id, e.organization_id, o.id, 'pending', "
          "$2::bigint, $2::bigint, $2::bigint FROM outbox o JOIN webhook_endpoints e "
          "ON e.organization_id = o.organization_id WHERE o.id = $1::bigint "
          "AND e.disabled_at IS NULL "
          "AND (e.events = '' OR position(',' || o.type || ',' IN e.events) > 0) "
          "ON CONFLICT (endpoint_id, outbox_id) DO NOTHING",
          {event_id, now}, "fanning out a webhook event");
      if (!r) return pitchreel::fail(r.error());
      const int created = static_cast<int>(r->affected());
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return std::optional<int>{created};
    });
  }

  Result<std::optional<std::string>> enqueue_ping(std::string_view endpoint_id,
                                                  std::string_view org,
                                                  std::string_view message_id,
                                                  std::string_view body,
                                                  std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::optional<std::string>> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto found = find_endpoint(c, endpoint_id, org, true);
      if (!found) return pitchreel::fail(found.error());
      if (!*found) return std::optional<std::string>{};
      auto event = c.query(
          "INSERT INTO outbox (organization_id, type, payload, created_at, fanned_out_at, "
          "message_id, body) VALUES ($1, 'ping', '{}', $2::bigint, $2::bigint, $3, $4) "
          "RETURNING id",
          {org, now, message_id, body}, "queueing a webhook ping");
      if (!event) return pitchreel::fail(event.error());
      std::string id = new_uuid();
      auto r = c.query(
          "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, outbox_id, status, "
          "next_attempt_at, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4::bigint, 'pending', $5::bigint, $5::bigint, $5::bigint)",
          {id, endpoint_id, org, event->int64(0, 0), now}, "queueing a webhook ping");
      if (!r) return pitchreel::fail(r.error());
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return std::optional<std::string>{std::move(id)};
    });
  }

  Result<std::vector<DeliveryTask>> claim_deliveries(std::string_view worker_id,
                                                     std::int64_t lease_seconds, int limit,
                                                     std::int64_t now) override {
    const std::string lease = fmt::format("{}#{}", worker_id, new_uuid());
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<DeliveryTask>> {
      auto r = c.query(
          "WITH due AS (SELECT d.id FROM webhook_deliveries d "
          "  JOIN webhook_endpoints e ON e.id = d.endpoint_id "
          "  WHERE d.status = 'pending' AND d.next_attempt_at <= $3::bigint "
          "  AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= $3::bigint) "
          "  AND e.disabled_at IS NULL ORDER BY d.next_attempt_at, d.seq LIMIT $4::bigint "
          "  FOR UPDATE OF d SKIP LOCKED), "
          "claimed AS (UPDATE webhook_deliveries d SET lease_owner = $1, "
          "  lease_expires_at = $2::bigint FROM due WHERE d.id = due.id "
          "  RETURNING d.id, d.endpoint_id, d.organization_id, d.outbox_id, d.attempts, "
          "  d.next_attempt_at, d.seq) "
          "SELECT k.id, k.endpoint_id, k.organization_id, e.url, e.secret, "
          "CASE WHEN e.previous_secret_expires_at > $3::bigint THEN e.previous_secret END, "
          "o.message_id, o.type, o.body, k.attempts FROM claimed k "
          "JOIN webhook_endpoints e ON e.id = k.endpoint_id JOIN outbox o ON o.id = k.outbox_id "
          "ORDER BY k.next_attempt_at, k.seq",
          {lease, now + lease_seconds, now, std::int64_t{limit}}, "claiming webhook deliveries");
      if (!r) return pitchreel::fail(r.error());
      std::vector<DeliveryTask> out;
      for (int i = 0; i < r->rows(); ++i) {
        DeliveryTask t;
        t.delivery_id = r->text(i, 0);
        t.endpoint_id = r->text(i, 1);
        t.organization_id = r->text(i, 2);
        t.url = r->text(i, 3);
        t.secret = r->text(i, 4);
        t.previous_secret = r->text(i, 5);
        t.message_id = r->text(i, 6);
        t.type = r->text(i, 7);
        t.body = r->text(i, 8);
        t.attempts = static_cast<int>(r->int64(i, 9));
        t.lease = lease;
        out.push_back(std::move(t));
      }
      return out;
    });
  }

  Result<bool> record_attempt(std::string_view delivery_id, std::string_view lease,
                              const AttemptRecord& a, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      auto updated = c.query(
          "UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, "
          "next_attempt_at = $4::bigint, last_error = $5, lease_owner = NULL, "
          "lease_expires_at = NULL, updated_at = $6::bigint "
          "WHERE id = $1 AND lease_owner = $2 AND status = 'pending' RETURNING endpoint_id",
          {delivery_id, lease, to_string(a.outcome),
           a.outcome == DeliveryStatus::kPending ? a.next_attempt_at : now,
           pg_text_or_null(a.error), now},
          "recording a webhook attempt");
      if (!updated) return pitchreel::fail(updated.error());
      if (updated->rows() == 0) return false;
      const std::string endpoint_id = updated->text(0, 0);
      auto r = c.query(
          "INSERT INTO webhook_attempts (delivery_id, attempted_at, http_status, latency_ms, "
          "error, response_body) VALUES ($1, $2::bigint, $3::integer, $4::bigint, $5, $6)",
          {delivery_id, now, std::int64_t{a.http_status}, a.latency_ms, a.error,
           a.response_body},
          "recording a webhook attempt");
      if (!r) return pitchreel::fail(r.error());
      if (!a.disable_endpoint_reason.empty()) {
        auto d = c.query(
            "UPDATE webhook_endpoints SET disabled_at = $2::bigint, disabled_reason = $3, "
            "updated_at = $2::bigint WHERE id = $1 AND disabled_at IS NULL",
            {endpoint_id, now, a.disable_endpoint_reason}, "disabling a webhook endpoint");
        if (!d) return pitchreel::fail(d.error());
      }
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return true;
    });
  }

  Result<std::vector<Delivery>> list_deliveries(std::string_view endpoint_id, std::string_view org,
                                                int limit) override {
    // One statement, so the deliveries and their attempt logs come from one snapshot: a row read
    // before an attempt committed never pairs with that attempt's log entry.
    return with_conn(pool_, [&](PgConnection& c) -> Result<std::vector<Delivery>> {
      auto r = c.query(
          "WITH d AS (SELECT d.id, d.endpoint_id, o.message_id, o.type, d.status, d.attempts, "
          "d.next_attempt_at, d.last_error, d.created_at, d.seq FROM webhook_deliveries d "
          "JOIN outbox o ON o.id = d.outbox_id WHERE d.endpoint_id = $1 AND "
          "d.organization_id = $2 ORDER BY d.created_at DESC, d.seq DESC LIMIT $3::bigint) "
          "SELECT d.id, d.endpoint_id, d.message_id, d.type, d.status, d.attempts, "
          "d.next_attempt_at, d.last_error, d.created_at, a.id, a.attempted_at, a.http_status, "
          "a.latency_ms, a.error, a.response_body FROM d LEFT JOIN webhook_attempts a "
          "ON a.delivery_id = d.id ORDER BY d.created_at DESC, d.seq DESC, a.id",
          {endpoint_id, org, std::int64_t{std::clamp(limit, 1, 100)}},
          "listing webhook deliveries");
      if (!r) return pitchreel::fail(r.error());
      std::vector<Delivery> out;
      for (int i = 0; i < r->rows(); ++i) {
        if (out.empty() || out.back().id != r->text(i, 0)) {
          Delivery d;
          d.id = r->text(i, 0);
          d.endpoint_id = r->text(i, 1);
          d.message_id = r->text(i, 2);
          d.type = r->text(i, 3);
          d.status = parse_status(r->text(i, 4));
          d.attempts = static_cast<int>(r->int64(i, 5));
          d.next_attempt_at = r->int64(i, 6);
          d.last_error = r->text(i, 7);
          d.created_at = r->int64(i, 8);
          out.push_back(std::move(d));
        }
        if (!r->is_null(i, 9)) {
          out.back().attempt_log.push_back({r->int64(i, 10), static_cast<long>(r->int64(i, 11)),
                                            r->int64(i, 12), r->text(i, 13), r->text(i, 14)});
        }
      }
      return out;
    });
  }

  Result<bool> redeliver(std::string_view delivery_id, std::string_view endpoint_id,
                         std::string_view org, std::int64_t now) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<bool> {
      auto r = c.query(
          "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, "
          "next_attempt_at = $4::bigint, lease_owner = NULL, lease_expires_at = NULL, "
          "updated_at = $4::bigint WHERE id = $1 AND endpoint_id = $2 AND organization_id = $3",
          {delivery_id, endpoint_id, org, now}, "redelivering a webhook");
      if (!r) return pitchreel::fail(r.error());
      return r->affected() > 0;
    });
  }

  Result<int> prune(std::int64_t before, int limit) override {
    return with_conn(pool_, [&](PgConnection& c) -> Result<int> {
      auto tx = PgTransaction::begin(c);
      if (!tx) return pitchreel::fail(tx.error());
      // Each node locks the events it prunes and skips those another node holds, so nodes
      // sweeping together share the work and never wait on each other in opposite orders.
      auto doomed = c.query(
          "SELECT o.id FROM outbox o WHERE o.fanned_out_at IS NOT NULL "
          "AND o.created_at < $1::bigint AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d "
          "WHERE d.outbox_id = o.id AND (d.status = 'pending' OR d.updated_at >= $1::bigint)) "
          "ORDER BY o.id LIMIT $2::bigint FOR UPDATE OF o SKIP LOCKED",
          {before, std::int64_t{limit}}, "choosing webhook events to prune");
      if (!doomed) return pitchreel::fail(doomed.error());
      if (doomed->rows() == 0) return 0;
      std::string ids = "{";
      for (int i = 0; i < doomed->rows(); ++i) {
        ids += (i == 0 ? "" : ",") + std::to_string(doomed->int64(i, 0));
      }
      ids += "}";
      // A redelivery racing with this may have made a delivery pending since the choice:
      // such a delivery stays, and so does its event (the NOT EXISTS below).
      auto deliveries = c.query(
          "DELETE FROM webhook_deliveries WHERE outbox_id = ANY($1::bigint[]) "
          "AND status <> 'pending' AND updated_at < $2::bigint",
          {ids, before}, "pruning webhook deliveries");
      if (!deliveries) return pitchreel::fail(deliveries.error());
      auto events = c.query(
          "DELETE FROM outbox o WHERE o.id = ANY($1::bigint[]) AND NOT EXISTS "
          "(SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = o.id)",
          {ids}, "pruning webhook events");
      if (!events) return pitchreel::fail(events.error());
      const auto deleted = static_cast<int>(events->affected());
      if (auto s = tx->commit(); !s) return pitchreel::fail(s.error());
      return deleted;
    });
  }

 private:
  PgPool& pool_;
};

}  // namespace

std::unique_ptr<WebhookStore> make_pg_webhooks(PgPool& pool) {
  return std::make_unique<PgWebhooks>(pool);
}

}  // namespace pitchreel::db
