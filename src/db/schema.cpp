// The schema, as the list of migrations that build it (see migrations.h).
//
// Conventions: ids are UUID text; times are INTEGER Unix seconds; optional text is NULL
// (not ''), so partial indexes and UNIQUE ignore it.
#include <array>

#include "db/migrations.h"

namespace pitchreel::db {
namespace {

// Migration 1: organisations, users (the seed's `profiles`), API keys, the job queue and
// finished videos.
//
// jobs: `status` is the queue state; a worker owns a running job while lease_owner is its
// id (claim, heartbeat and finish all check it), and lease_expires_at tells
// requeue_expired when a worker has died. not_before delays a retry (backoff).
// cancel_requested asks the running worker to stop; the worker sees it on heartbeat.
// Jobs are claimed in (created_at, rowid) order: jobs_claim is (status, created_at) and
// every index ends in the rowid, so the oldest eligible job is found without a sort.
// videos.job_id is UNIQUE: a job can never produce two video rows, even if two workers
// raced past the lease check. jobs.video_id is set NULL when its video is deleted.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE organizations (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);

CREATE TABLE users (
  id               TEXT PRIMARY KEY NOT NULL,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  email            TEXT NOT NULL,
  role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at       INTEGER NOT NULL
);
CREATE INDEX users_by_org ON users(organization_id);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY NOT NULL,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  prefix        TEXT NOT NULL,
  hash          TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  revoked_at    INTEGER,
  last_used_at  INTEGER
);
CREATE INDEX api_keys_by_user ON api_keys(user_id);

CREATE TABLE jobs (
  id                TEXT PRIMARY KEY NOT NULL,
  organization_id   TEXT NOT NULL REFERENCES organizations(id),
  user_id           TEXT NOT NULL REFERENCES users(id),
  status            TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  stage             TEXT NOT NULL DEFAULT 'queued',
  progress          REAL NOT NULL DEFAULT 0,
  request           TEXT NOT NULL DEFAULT '{}',
  product_id        TEXT NOT NULL DEFAULT '',
  idempotency_key   TEXT,
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  lease_owner       TEXT,
  lease_expires_at  INTEGER,
  not_before        INTEGER NOT NULL DEFAULT 0,
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  error_code        TEXT,
  error_message     TEXT,
  video_id          TEXT REFERENCES videos(id) ON DELETE SET NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs(user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_claim ON jobs(status, created_at);
CREATE INDEX jobs_by_user_time ON jobs(user_id, created_at);
CREATE INDEX jobs_by_org_time ON jobs(organization_id, created_at);
CREATE INDEX jobs_by_video ON jobs(video_id);

CREATE TABLE videos (
  id               TEXT PRIMARY KEY NOT NULL,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  job_id           TEXT UNIQUE REFERENCES jobs(id),
  product_id       TEXT NOT NULL DEFAULT '',
  video_key        TEXT NOT NULL,
  poster_key       TEXT NOT NULL DEFAULT '',
  captions_key     TEXT NOT NULL DEFAULT '',
  file_name        TEXT NOT NULL DEFAULT '',
  size             INTEGER NOT NULL DEFAULT 0,
  duration         REAL NOT NULL DEFAULT 0,
  width            INTEGER NOT NULL DEFAULT 0,
  height           INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL
);
CREATE INDEX videos_by_org_time ON videos(organization_id, created_at DESC, id DESC);
CREATE INDEX videos_by_org_product_time
  ON videos(organization_id, product_id, created_at DESC, id DESC);
)sql";

// Migration 2: GPU wall time (seconds) per job, summed over its attempts, failed ones
// included, and copied to the job's video when it succeeds: what each video cost.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE jobs ADD COLUMN gpu_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN gpu_seconds REAL NOT NULL DEFAULT 0;
)sql";

// Migration 3: the outbox. Triggers append a job_events row for every job status change,
// inside the transaction that makes the change, so an event is recorded if and only if
// the change is (webhooks deliver from this table). AUTOINCREMENT keeps ids increasing
// even after rows are pruned, so a reader's "after id" cursor never sees a reused id.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE job_events (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id           TEXT NOT NULL,
  organization_id  TEXT NOT NULL,
  status           TEXT NOT NULL,
  error_code       TEXT,
  video_id         TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX job_events_by_job ON job_events(job_id, id);
CREATE TRIGGER jobs_event_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_events (job_id, organization_id, status, error_code, video_id, created_at)
  VALUES (NEW.id, NEW.organization_id, NEW.status, NEW.error_code, NEW.video_id, NEW.updated_at);
END;
CREATE TRIGGER jobs_event_status AFTER UPDATE OF status ON jobs
  WHEN OLD.status IS NOT NEW.status BEGIN
  INSERT INTO job_events (job_id, organization_id, status, error_code, video_id, created_at)
  VALUES (NEW.id, NEW.organization_id, NEW.status, NEW.error_code, NEW.video_id, NEW.updated_at);
END;
)sql";

// Migration 4: webhooks. `outbox` is the generic event log any change appends to in its own
// transaction (triggers for jobs and videos below; batch completion calls outbox_append);
// `fanned_out_at` marks a row whose deliveries exist, set in the transaction that creates
// them, so each event fans out once however many nodes race (the UPDATE ... WHERE
// fanned_out_at IS NULL decides, and UNIQUE (endpoint_id, outbox_id) backs it up).
// `message_id` and `body` are fixed at fan-out: every retry sends the same bytes under the
// same webhook-id. Endpoint `events` is ",a,b," (empty: every event) so a match is one
// instr(); `previous_secret` keeps signing until `previous_secret_expires_at` (rotation).
constexpr std::string_view kV4 = R"sql(
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id  TEXT NOT NULL,
  type             TEXT NOT NULL,
  payload          TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  fanned_out_at    INTEGER,
  message_id       TEXT,
  body             TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE fanned_out_at IS NULL;

CREATE TRIGGER job_events_outbox AFTER INSERT ON job_events
  WHEN NEW.status IN ('succeeded', 'failed', 'canceled') BEGIN
  INSERT INTO outbox (organization_id, type, payload, created_at)
  VALUES (NEW.organization_id, 'job.' || NEW.status,
          json_object('jobId', NEW.job_id, 'videoId', NEW.video_id,
                      'errorCode', NEW.error_code), NEW.created_at);
END;
CREATE TRIGGER videos_deleted_outbox AFTER DELETE ON videos BEGIN
  INSERT INTO outbox (organization_id, type, payload, created_at)
  VALUES (OLD.organization_id, 'video.deleted',
          json_object('id', OLD.id, 'jobId', OLD.job_id, 'productId', OLD.product_id),
          CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TABLE webhook_endpoints (
  id                         TEXT PRIMARY KEY NOT NULL,
  organization_id            TEXT NOT NULL REFERENCES organizations(id),
  url                        TEXT NOT NULL,
  description                TEXT NOT NULL DEFAULT '',
  events                     TEXT NOT NULL DEFAULT '',
  secret                     TEXT NOT NULL,
  previous_secret            TEXT,
  previous_secret_expires_at INTEGER,
  disabled_at                INTEGER,
  disabled_reason            TEXT,
  created_at                 INTEGER NOT NULL,
  updated_at                 INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints(organization_id, created_at);

CREATE TABLE webhook_deliveries (
  id                TEXT PRIMARY KEY NOT NULL,
  endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  organization_id   TEXT NOT NULL,
  outbox_id         INTEGER NOT NULL REFERENCES outbox(id),
  status            TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   INTEGER NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  INTEGER,
  last_error        TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  UNIQUE (endpoint_id, outbox_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries(endpoint_id, created_at);

CREATE TABLE webhook_attempts (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id    TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempted_at   INTEGER NOT NULL,
  http_status    INTEGER NOT NULL DEFAULT 0,
  latency_ms     INTEGER NOT NULL DEFAULT 0,
  error          TEXT NOT NULL DEFAULT '',
  response_body  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id, id);
)sql";

// Migration 5: catalogue batches, fair claims and usage.
//
// A batch's items are ordinary jobs with batch_id (and their row in what the user sent).
// The trigger completes the batch in the transaction in which its last item reaches a
// final state, whatever path got it there (a worker, a cancel, an expired lease).
// org_claim_turns holds the turn (an increasing counter) of each organisation's last
// claim (none yet: turn 0): claim_next serves the organisation whose turn is oldest, so
// organisations share the workers in turn. cpu_seconds (render CPU time) and video_seconds (the video's
// duration, kept on the job so usage outlives a deleted video) are what usage sums.
constexpr std::string_view kV5 = R"sql(
CREATE TABLE batches (
  id                TEXT PRIMARY KEY NOT NULL,
  organization_id   TEXT NOT NULL REFERENCES organizations(id),
  user_id           TEXT NOT NULL REFERENCES users(id),
  defaults          TEXT NOT NULL DEFAULT '{}',
  item_count        INTEGER NOT NULL,
  status            TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed')),
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  completed_at      INTEGER
);
CREATE INDEX batches_by_org_time ON batches(organization_id, created_at DESC, id DESC);
ALTER TABLE jobs ADD COLUMN batch_id TEXT REFERENCES batches(id);
ALTER TABLE jobs ADD COLUMN batch_row INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cpu_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN video_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN cpu_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN batch_id TEXT;
CREATE TABLE org_claim_turns (
  organization_id  TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id),
  turn             INTEGER NOT NULL
);
CREATE INDEX jobs_by_batch ON jobs(batch_id, batch_row) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_by_org_updated ON jobs(organization_id, updated_at);
CREATE TRIGGER jobs_batch_item_final AFTER UPDATE OF status ON jobs
  WHEN NEW.batch_id IS NOT NULL AND OLD.status IS NOT NEW.status
   AND NEW.status IN ('succeeded', 'failed', 'canceled') BEGIN
  UPDATE batches SET status = 'completed', completed_at = NEW.updated_at
   WHERE id = NEW.batch_id AND status = 'running'
     AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = NEW.batch_id
                     AND status IN ('queued', 'running'));
END;
)sql";

// Migration 8: what each video's render warned about (core/render_warning.h), as a JSON
// array, so the API and the web UI show it with the video; and the batch.completed webhook
// event, appended to the outbox in the transaction that completes the batch (the one in
// which its last item reached a final state), with the batch's final counts.
constexpr std::string_view kV8 = R"sql(
ALTER TABLE videos ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
CREATE TRIGGER batches_completed_outbox AFTER UPDATE OF status ON batches
  WHEN OLD.status = 'running' AND NEW.status = 'completed' BEGIN
  INSERT INTO outbox (organization_id, type, payload, created_at)
  VALUES (NEW.organization_id, 'batch.completed',
          json_object('id', NEW.id, 'status', NEW.status, 'itemCount', NEW.item_count,
                      'succeeded', (SELECT COUNT(*) FROM jobs
                                     WHERE batch_id = NEW.id AND status = 'succeeded'),
                      'failed', (SELECT COUNT(*) FROM jobs
                                  WHERE batch_id = NEW.id AND status = 'failed'),
                      'canceled', (SELECT COUNT(*) FROM jobs
                                    WHERE batch_id = NEW.id AND status = 'canceled'),
                      'createdAt', NEW.created_at, 'completedAt', NEW.completed_at),
          NEW.completed_at);
END;
)sql";

// Migration 9: outbox retention (WebhookStore::prune): events found by age once fanned
// out, and deliveries by their event.
constexpr std::string_view kV9 = R"sql(
CREATE INDEX outbox_fanned_out_by_age ON outbox(created_at) WHERE fanned_out_at IS NOT NULL;
CREATE INDEX webhook_deliveries_by_outbox ON webhook_deliveries(outbox_id);
)sql";

// Migration 11: the claim's index. Claiming walks the organisations that have queued jobs
// (a loose scan on organization_id) and takes each one's head in claim order, so a claim
// costs O(organisations x log n) instead of a sort of the whole queue (claim_next).
constexpr std::string_view kV11 = R"sql(
CREATE INDEX jobs_claim_by_org ON jobs(organization_id, batch_id IS NOT NULL, created_at)
  WHERE status = 'queued';
)sql";

constexpr std::array<Migration, 8> kMigrations = {
    {{1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}, {5, kV5}, {8, kV8}, {9, kV9}, {11, kV11}}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace pitchreel::db
