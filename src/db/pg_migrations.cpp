#include "db/pg_migrations.h"

#include <fmt/format.h>

#include <array>

namespace pitchreel::db {
namespace {

// Version 1: the SQLite schema's tables (migrations 1-3 there) with PostgreSQL types.
// `seq` columns stand in for SQLite's rowid: insertion order breaks ties between rows
// created in the same second (claim order, listings). jobs_claim is a partial index over
// the queued jobs in claim order, so a claim reads the head of the queue without a sort.
// jobs.video_id's foreign key is added after videos exists (the two reference each other).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE organizations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  BIGINT NOT NULL,
  seq         BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE TABLE users (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  email            TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at       BIGINT NOT NULL,
  seq              BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX users_by_org ON users(organization_id);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  prefix        TEXT NOT NULL,
  hash          TEXT NOT NULL UNIQUE,
  created_at    BIGINT NOT NULL,
  revoked_at    BIGINT,
  last_used_at  BIGINT,
  seq           BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX api_keys_by_user ON api_keys(user_id);

CREATE TABLE jobs (
  id                TEXT PRIMARY KEY,
  organization_id   TEXT NOT NULL REFERENCES organizations(id),
  user_id           TEXT NOT NULL REFERENCES users(id),
  status            TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  stage             TEXT NOT NULL DEFAULT 'queued',
  progress          DOUBLE PRECISION NOT NULL DEFAULT 0,
  request           TEXT NOT NULL DEFAULT '{}',
  product_id        TEXT NOT NULL DEFAULT '',
  idempotency_key   TEXT,
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  lease_owner       TEXT,
  lease_expires_at  BIGINT,
  not_before        BIGINT NOT NULL DEFAULT 0,
  cancel_requested  BOOLEAN NOT NULL DEFAULT false,
  error_code        TEXT,
  error_message     TEXT,
  video_id          TEXT,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  gpu_seconds       DOUBLE PRECISION NOT NULL DEFAULT 0,
  seq               BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs(user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_claim ON jobs(created_at, seq) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs(lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_by_user_time ON jobs(user_id, created_at);
CREATE INDEX jobs_by_org_time ON jobs(organization_id, created_at);
CREATE INDEX jobs_by_video ON jobs(video_id);

CREATE TABLE videos (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  job_id           TEXT UNIQUE REFERENCES jobs(id),
  product_id       TEXT NOT NULL DEFAULT '',
  video_key        TEXT NOT NULL,
  poster_key       TEXT NOT NULL DEFAULT '',
  captions_key     TEXT NOT NULL DEFAULT '',
  file_name        TEXT NOT NULL DEFAULT '',
  size             BIGINT NOT NULL DEFAULT 0,
  duration         DOUBLE PRECISION NOT NULL DEFAULT 0,
  width            INTEGER NOT NULL DEFAULT 0,
  height           INTEGER NOT NULL DEFAULT 0,
  created_at       BIGINT NOT NULL,
  gpu_seconds      DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX videos_by_org_time ON videos(organization_id, created_at DESC, id DESC);
CREATE INDEX videos_by_org_product_time
  ON videos(organization_id, product_id, created_at DESC, id DESC);
ALTER TABLE jobs ADD CONSTRAINT jobs_video_fk
  FOREIGN KEY (video_id) REFERENCES videos(id) ON DELETE SET NULL;

CREATE TABLE job_events (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id           TEXT NOT NULL,
  organization_id  TEXT NOT NULL,
  status           TEXT NOT NULL,
  error_code       TEXT,
  video_id         TEXT,
  created_at       BIGINT NOT NULL
);
CREATE INDEX job_events_by_job ON job_events(job_id, id);

CREATE FUNCTION job_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO job_events (job_id, organization_id, status, error_code, video_id, created_at)
    VALUES (NEW.id, NEW.organization_id, NEW.status, NEW.error_code, NEW.video_id,
            NEW.updated_at);
  END IF;
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_jobs', NEW.id || ' ' || NEW.status);
  RETURN NULL;
END
$fn$;
CREATE TRIGGER jobs_changed AFTER INSERT OR UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION job_changed();
)sql";

// Version 2: webhooks, as SQLite migration 4 (see schema.cpp for the design). Triggers on
// job_events (terminal statuses) and on deleted videos append to the generic outbox in the
// transaction of the change.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE outbox (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id  TEXT NOT NULL,
  type             TEXT NOT NULL,
  payload          TEXT NOT NULL DEFAULT '{}',
  created_at       BIGINT NOT NULL,
  fanned_out_at    BIGINT,
  message_id       TEXT,
  body             TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE fanned_out_at IS NULL;

CREATE FUNCTION job_event_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status IN ('succeeded', 'failed', 'canceled') THEN
    INSERT INTO outbox (organization_id, type, payload, created_at)
    VALUES (NEW.organization_id, 'job.' || NEW.status,
            json_build_object('jobId', NEW.job_id, 'videoId', NEW.video_id,
                              'errorCode', NEW.error_code)::text, NEW.created_at);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER job_events_outbox AFTER INSERT ON job_events
  FOR EACH ROW EXECUTE FUNCTION job_event_outbox();

CREATE FUNCTION video_deleted_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO outbox (organization_id, type, payload, created_at)
  VALUES (OLD.organization_id, 'video.deleted',
          json_build_object('id', OLD.id, 'jobId', OLD.job_id,
                            'productId', OLD.product_id)::text,
          EXTRACT(EPOCH FROM now())::bigint);
  RETURN NULL;
END
$fn$;
CREATE TRIGGER videos_deleted_outbox AFTER DELETE ON videos
  FOR EACH ROW EXECUTE FUNCTION video_deleted_outbox();

CREATE TABLE webhook_endpoints (
  id                         TEXT PRIMARY KEY,
  organization_id            TEXT NOT NULL REFERENCES organizations(id),
  url                        TEXT NOT NULL,
  description                TEXT NOT NULL DEFAULT '',
  events                     TEXT NOT NULL DEFAULT '',
  secret                     TEXT NOT NULL,
  previous_secret            TEXT,
  previous_secret_expires_at BIGINT,
  disabled_at                BIGINT,
  disabled_reason            TEXT,
  created_at                 BIGINT NOT NULL,
  updated_at                 BIGINT NOT NULL,
  seq                        BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints(organization_id, created_at);

CREATE TABLE webhook_deliveries (
  id                TEXT PRIMARY KEY,
  endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  organization_id   TEXT NOT NULL,
  outbox_id         BIGINT NOT NULL REFERENCES outbox(id),
  status            TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   BIGINT NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  BIGINT,
  last_error        TEXT,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  seq               BIGINT GENERATED ALWAYS AS IDENTITY,
  UNIQUE (endpoint_id, outbox_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries(endpoint_id, created_at);

CREATE TABLE webhook_attempts (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id    TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempted_at   BIGINT NOT NULL,
  http_status    INTEGER NOT NULL DEFAULT 0,
  latency_ms     BIGINT NOT NULL DEFAULT 0,
  error          TEXT NOT NULL DEFAULT '',
  response_body  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id, id);
)sql";

// Version 3: catalogue batches, fair claims and usage (SQLite migration 5 says why).
// The trigger locks the batch row before counting its unfinished items: two last items
// finishing at once on two nodes are serialised, and the second (whose statement takes a
// fresh snapshot after the lock, READ COMMITTED) sees the first one finished, so exactly
// one of them completes the batch. claim_turns numbers the claims for fairness.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE batches (
  id                TEXT PRIMARY KEY,
  organization_id   TEXT NOT NULL REFERENCES organizations(id),
  user_id           TEXT NOT NULL REFERENCES users(id),
  defaults          TEXT NOT NULL DEFAULT '{}',
  item_count        INTEGER NOT NULL,
  status            TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed')),
  cancel_requested  BOOLEAN NOT NULL DEFAULT false,
  created_at        BIGINT NOT NULL,
  completed_at      BIGINT,
  seq               BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX batches_by_org_time ON batches(organization_id, created_at DESC, seq DESC);
ALTER TABLE jobs
  ADD COLUMN batch_id TEXT REFERENCES batches(id),
  ADD COLUMN batch_row INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN cpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD COLUMN video_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE videos
  ADD COLUMN cpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD COLUMN batch_id TEXT;
CREATE TABLE org_claim_turns (
  organization_id  TEXT PRIMARY KEY REFERENCES organizations(id),
  turn             BIGINT NOT NULL
);
CREATE SEQUENCE claim_turns;
CREATE INDEX jobs_by_batch ON jobs(batch_id, batch_row) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_by_org_updated ON jobs(organization_id, updated_at);

CREATE FUNCTION batch_item_final() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.batch_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status
     AND NEW.status IN ('succeeded', 'failed', 'canceled') THEN
    PERFORM 1 FROM batches WHERE id = NEW.batch_id FOR UPDATE;
    UPDATE batches SET status = 'completed', completed_at = NEW.updated_at
     WHERE id = NEW.batch_id AND status = 'running'
       AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = NEW.batch_id
                       AND status IN ('queued', 'running'));
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER jobs_batch_item_final AFTER UPDATE OF status ON jobs
  FOR EACH ROW EXECUTE FUNCTION batch_item_final();
)sql";

// Migration 6: what each video's render warned about (core/render_warning.h), a JSON array;
// and the batch.completed webhook event, as SQLite migration 8.
constexpr std::string_view kV6 = R"sql(
ALTER TABLE videos ADD COLUMN warnings JSONB NOT NULL DEFAULT '[]'::jsonb;

CREATE FUNCTION batch_completed_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.status = 'running' AND NEW.status = 'completed' THEN
    INSERT INTO outbox (organization_id, type, payload, created_at)
    VALUES (NEW.organization_id, 'batch.completed',
            json_build_object(
              'id', NEW.id, 'status', NEW.status, 'itemCount', NEW.item_count,
              'succeeded', (SELECT COUNT(*) FROM jobs WHERE batch_id = NEW.id AND status = 'succeeded'),
              'failed', (SELECT COUNT(*) FROM jobs WHERE batch_id = NEW.id AND status = 'failed'),
              'canceled', (SELECT COUNT(*) FROM jobs WHERE batch_id = NEW.id AND status = 'canceled'),
              'createdAt', NEW.created_at, 'completedAt', NEW.completed_at)::text,
            NEW.completed_at);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER batches_completed_outbox AFTER UPDATE OF status ON batches
  FOR EACH ROW EXECUTE FUNCTION batch_completed_outbox();
)sql";

// Gaps in the numbering are allowed (numbers are reserved per feature); each migration
// runs once, in order.
// Migration 7: the outbox announces itself, and retention. Every statement that appends to
// the outbox sends pg_notify('<schema>_outbox', ''), delivered when its transaction
// commits, so the webhook dispatcher of every node wakes at once instead of at its next
// poll (PgJobListener listens). Indexes for WebhookStore::prune: events by age once fanned
// out, deliveries by their event.
constexpr std::string_view kV7 = R"sql(
CREATE FUNCTION outbox_appended_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
  RETURN NULL;
END
$fn$;
CREATE TRIGGER outbox_appended AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_appended_notify();
CREATE INDEX outbox_fanned_out_by_age ON outbox(created_at) WHERE fanned_out_at IS NOT NULL;
CREATE INDEX webhook_deliveries_by_outbox ON webhook_deliveries(outbox_id);
)sql";

// Migration 9: the claim's index. Claiming walks the organisations that have queued jobs
// (a loose scan on organization_id) and takes each one's head in claim order, so a claim
// costs O(organisations x log n) instead of a sort of the whole queue (PgQueue::claim_next).
constexpr std::string_view kV9 = R"sql(
CREATE INDEX jobs_claim_by_org ON jobs(organization_id, (batch_id IS NOT NULL), created_at, seq)
  WHERE status = 'queued';
)sql";

constexpr std::array<PgMigration, 6> kMigrations = {
    {{1, kV1}, {2, kV2}, {3, kV3}, {6, kV6}, {7, kV7}, {9, kV9}}};

}  // namespace

std::span<const PgMigration> pg_migrations() { return kMigrations; }

int latest_pg_schema_version() { return kMigrations.back().version; }

std::string pg_jobs_channel(std::string_view schema) { return fmt::format("{}_jobs", schema); }

std::string pg_outbox_channel(std::string_view schema) {
  return fmt::format("{}_outbox", schema);
}

Result<int> pg_schema_version(PgConnection& conn) {
  auto r = conn.query(
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, "reading the schema version");
  if (!r) return fail(r.error());
  return static_cast<int>(r->int64(0, 0));
}

Status apply_pg_migrations(PgConnection& conn, std::string_view schema) {
  auto tx = PgTransaction::begin(conn);
  if (!tx) return fail(tx.error());
  // Held until COMMIT/ROLLBACK: a second node blocks here, then sees the committed schema.
  if (auto r = conn.query("SELECT pg_advisory_xact_lock(hashtext('pitchreel.migrate.' || $1))",
                          {schema}, "waiting for the migration lock");
      !r) {
    return fail(r.error());
  }
  if (auto s = conn.exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {};"
                                     "CREATE TABLE IF NOT EXISTS {}.schema_migrations ("
                                     "  version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                                     schema, schema),
                         "creating the schema");
      !s) {
    return s;
  }
  auto current = pg_schema_version(conn);
  if (!current) return fail(current.error());
  const int latest = latest_pg_schema_version();
  if (*current > latest) {
    return fail(Error::internal(
        "database_schema_newer",
        fmt::format("The schema '{}' at {} was migrated to version {} by a newer pitchreel; this "
                    "one knows only up to {}. Upgrade pitchreel on this node, or point "
                    "PITCHREEL_DB_SCHEMA at another schema.",
                    schema, conn.target().describe(), *current, latest)));
  }
  if (*current == latest) return {};
  for (const PgMigration& m : pg_migrations()) {
    if (m.version <= *current) continue;
    if (auto s = conn.exec(m.sql, "migrating the schema"); !s) {
      Error e = s.error();
      e.message = fmt::format("Migration {} failed: {}", m.version, e.message);
      return fail(std::move(e));
    }
    if (auto r = conn.query(
            "INSERT INTO schema_migrations (version, applied_at) "
            "VALUES ($1::integer, EXTRACT(EPOCH FROM now())::bigint)",
            {std::int64_t{m.version}}, "recording the migration");
        !r) {
      return fail(r.error());
    }
  }
  return tx->commit();
}

}  // namespace pitchreel::db
