// The store seam: every piece of state pitchreel keeps (organisations, users, API keys,
// jobs and their queue, videos, the job event outbox, webhooks) behind interfaces with two engines,
// SQLite (sqlite_store.h: one file, the embedded default) and PostgreSQL (pg_store.h: many
// API and worker nodes on one database). Open one with open_store (open_store.h).
//
// What every implementation guarantees, whatever the number of threads, processes and
// nodes using the same database:
//   * each method is one atomic step (one transaction): it happens entirely or not at all;
//   * time is passed in (`now`, Unix seconds UTC) and never read inside the store, so tests
//     drive it and nodes with skewed clocks still agree on what was written;
//   * "not found" is an empty optional / false / kNotFound, never an Error; tenant-scoped
//     lookups treat another organisation's row as not found;
//   * errors are values with stable codes, the same on both engines (see each method).
//     A database outage is unavailable "database_unavailable" (PostgreSQL) or
//     "database_busy" / "database_io" (SQLite); retrying later may succeed.
//
// Thread safety: a Store and the repositories it hands out may be used from any number of
// threads at once. The references returned by orgs(), jobs(), ... live as long as the Store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "db/store_types.h"
#include "db/webhook_types.h"

namespace pitchreel::db {

class OrgRepository {
 public:
  virtual ~OrgRepository() = default;
  // A new organisation with a fresh UUID. Names are unique across nodes (a UNIQUE
  // constraint decides a race): a taken name is invalid "organization_exists"; an empty
  // name is invalid "organization_name_empty".
  virtual Result<Organization> create(std::string_view name, std::int64_t now) = 0;
  virtual Result<std::optional<Organization>> get(std::string_view id) = 0;
  virtual Result<std::optional<Organization>> find_by_name(std::string_view name) = 0;
  // All organisations, oldest first.
  virtual Result<std::vector<Organization>> list() = 0;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // `id` lets a JWT's `sub` become the user id; without it a fresh UUID is made. Errors:
  // invalid "organization_not_found", invalid "user_exists" (also when two nodes race to
  // create the same id: exactly one succeeds).
  virtual Result<User> create(std::string_view organization_id, std::string_view email, Role role,
                              std::int64_t now, std::optional<std::string> id = std::nullopt) = 0;
  virtual Result<std::optional<User>> get(std::string_view id) = 0;
  // The organisation's users, oldest first.
  virtual Result<std::vector<User>> list(std::string_view organization_id) = 0;
  // Moves the user to another organisation (the shop moved them in its profiles table) and
  // revokes their API keys, which were issued for the old one, in one transaction; their
  // jobs and videos stay with the old organisation. The user as it is now, or nullopt when
  // there is no such user. Errors: invalid "organization_not_found". Moving a user to the
  // organisation it is in changes nothing; two nodes moving it at once end in one state.
  virtual Result<std::optional<User>> move_to_organization(std::string_view id,
                                                           std::string_view organization_id,
                                                           std::int64_t now) = 0;
};

// API keys, stored only as the SHA-256 hex of the full key (src/auth makes and hashes keys).
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  // Stores a key and returns its new id. Errors: invalid "user_not_found"; invalid
  // "api_key_exists" when the hash is already stored.
  virtual Result<std::string> store(std::string_view user_id, std::string_view prefix,
                                    std::string_view hash, std::int64_t now) = 0;
  // The unrevoked key with this hash and its user's current role and organisation.
  virtual Result<std::optional<api_keys::KeyMatch>> find_active_by_hash(std::string_view hash) = 0;
  // Revokes an unrevoked key; with organization_id only a key of that organisation's users.
  // false: no such active key in scope (also for the loser of two concurrent revokes).
  virtual Result<bool> revoke(std::string_view key_id,
                              std::optional<std::string_view> organization_id,
                              std::int64_t now) = 0;
  // Keys, newest first, revoked ones included.
  virtual Result<std::vector<api_keys::ApiKey>> list_for_user(std::string_view user_id) = 0;
  virtual Result<std::vector<api_keys::ApiKey>> list_for_org(std::string_view organization_id) = 0;
  // Records a use, at most once per kTouchGranularitySeconds per key.
  virtual Status touch(std::string_view key_id, std::int64_t now) = 0;
};

// Jobs as the API sees them.
class JobRepository {
 public:
  virtual ~JobRepository() = default;
  // Enqueues a job (queued, eligible at once) or, when the user already has a job with this
  // idempotency key, returns that job unchanged (created = false).
  // Across nodes: an idempotency key maps to exactly one job per user (and so within one
  // organisation): concurrent submissions with one key create one job and all get it back.
  // The admission limits (per user per hour, per organisation per day, queue length) are
  // checked and the job inserted as one atomic step: N concurrent submissions on any nodes
  // admit exactly as many as the limit allows. Errors: invalid "user_not_in_organization",
  // invalid "invalid_max_attempts", invalid "rate_limited" (retry_after_s set), unavailable
  // "queue_full" (retry_after_s set).
  virtual Result<jobs::CreatedJob> create(const jobs::NewJob& job, std::int64_t now) = 0;
  // The admission limits of `job` as create() would check them now, without inserting or
  // locking: a cheap early refusal (same errors, Retry-After included) before a request's
  // expensive work (storing, decoding, fetching). Advisory only: create() checks again
  // atomically, so a request admitted here may still be refused there.
  virtual Status check_admission(const jobs::NewJob& job, std::int64_t now) = 0;
  virtual Result<std::optional<Job>> find_by_idempotency_key(std::string_view user_id,
                                                             std::string_view key) = 0;
  // The job if it exists and belongs to organization_id.
  virtual Result<std::optional<Job>> get(std::string_view job_id,
                                         std::string_view organization_id) = 0;
  // A queued job becomes canceled at once (no worker can claim it afterwards, even one
  // claiming concurrently on another node: exactly one of the two wins); a running one gets
  // a cancel request its worker sees on its next heartbeat.
  virtual Result<jobs::CancelOutcome> cancel(std::string_view job_id,
                                             std::string_view organization_id,
                                             std::int64_t now) = 0;
  // Queued jobs, including those waiting out a retry backoff.
  virtual Result<std::int64_t> queue_depth() = 0;
  // Queued jobs ahead of this one in claim order; nullopt when it is not queued.
  virtual Result<std::optional<std::int64_t>> position_in_queue(std::string_view job_id) = 0;
  // Jobs per status, every status present.
  virtual Result<std::map<JobStatus, std::int64_t>> count_by_status() = 0;
  // Jobs created at or after `since`, canceled ones included: what rate limits count (a
  // user cannot cancel and resubmit past the limit).
  virtual Result<std::int64_t> count_jobs_since(std::string_view user_id, std::int64_t since) = 0;
  virtual Result<std::int64_t> count_org_jobs_since(std::string_view organization_id,
                                                    std::int64_t since) = 0;
};

// The worker's side of the queue. Leases: claim_next makes worker_id (unique per worker
// across all nodes, e.g. host:pid:n) the job's owner until lease_expires_at; every later call
// names the worker and changes the job only while it still owns it, so a stalled worker that
// was replaced cannot overwrite its successor's work. Attempts: a claim counts one;
// fail(retryable) requeues with a backoff while attempts < max_attempts; an expired lease
// counts as a failed attempt, a graceful requeue does not.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  // Takes a queued job with not_before <= now, in fair order: organisations take turns (the
  // organisation with eligible jobs whose last claim is oldest goes first, and the claim
  // makes its turn the newest), within an organisation single jobs before batch items,
  // then the oldest (created_at, then insertion order). So a queued batch of any size
  // delays another organisation's job by at most one claim per organisation in between.
  // The job becomes running, leased to worker_id until now + lease_seconds, stage
  // "starting", progress 0.
  // Across nodes: a job is handed to exactly one claimer; concurrent claimers get different
  // jobs (PostgreSQL: FOR UPDATE SKIP LOCKED, they do not wait for each other). nullopt when
  // nothing is eligible.
  virtual Result<std::optional<jobs::ClaimedJob>> claim_next(std::string_view worker_id,
                                                             std::int64_t lease_seconds,
                                                             std::int64_t now) = 0;
  // Extends the lease and records stage (empty: unchanged) and progress (clamped to 0..1).
  virtual Result<jobs::LeaseState> heartbeat(std::string_view job_id, std::string_view worker_id,
                                             std::int64_t lease_seconds, std::string_view stage,
                                             double progress, std::int64_t now) = 0;
  // Adds GPU seconds spent by an attempt to the job's total, whoever holds it now.
  virtual Status add_gpu_seconds(std::string_view job_id, double seconds) = 0;
  // Adds render CPU time (user + system) spent by an attempt, likewise.
  virtual Status add_cpu_seconds(std::string_view job_id, double seconds) = 0;
  // Inserts the video and marks the job succeeded, only if worker_id still owns it.
  // Exactly once: of any number of calls for one job on any nodes, at most one returns a
  // video (videos.job_id is also UNIQUE). nullopt: the lease was lost, nothing written.
  virtual Result<std::optional<Video>> complete(std::string_view job_id, std::string_view worker_id,
                                                Video video, std::int64_t now) = 0;
  // A failed attempt by the lease owner: queued again after backoff_seconds when retryable
  // and attempts remain, else failed; canceled when a cancel was requested. nullopt: lease lost.
  virtual Result<std::optional<JobStatus>> fail(std::string_view job_id, std::string_view worker_id,
                                                std::string_view code, std::string_view message,
                                                bool retryable, std::int64_t backoff_seconds,
                                                std::int64_t now) = 0;
  // The lease owner acknowledges a cancel request. false: the lease was lost.
  virtual Result<bool> finish_canceled(std::string_view job_id, std::string_view worker_id,
                                       std::int64_t now) = 0;
  // Running jobs whose lease expired before `now` go back to queued (or failed
  // "worker_lost" when out of attempts, or canceled). Any node may call it at any time,
  // concurrently with claims and heartbeats: each expired job is requeued once.
  virtual Result<std::int64_t> requeue_expired(std::int64_t now) = 0;
  // Graceful shutdown: worker_id's running jobs go back to queued without counting the attempt.
  virtual Result<std::int64_t> requeue_owned(std::string_view worker_id, std::int64_t now) = 0;
};

class VideoRepository {
 public:
  virtual ~VideoRepository() = default;
  virtual Result<std::optional<Video>> get(std::string_view id,
                                           std::string_view organization_id) = 0;
  // One page, newest first; `cursor` "" or a next_cursor. Errors: invalid "invalid_cursor".
  virtual Result<videos::VideoPage> list(std::string_view organization_id,
                                         std::optional<std::string_view> product_id, int limit,
                                         std::string_view cursor) = 0;
  // Deletes the row and returns it (the caller deletes the files). Of concurrent removals
  // exactly one gets the video.
  virtual Result<std::optional<Video>> remove(std::string_view id,
                                              std::string_view organization_id) = 0;
};

// The outbox: one row per job status change, written by the database in the transaction
// that makes the change (so no change is announced that did not happen, and none is lost).
class JobEventLog {
 public:
  virtual ~JobEventLog() = default;
  // Events with id > after_id, oldest first, at most `limit`.
  virtual Result<std::vector<jobs::JobEvent>> after(std::int64_t after_id, int limit) = 0;
  // One job's events, oldest first.
  virtual Result<std::vector<jobs::JobEvent>> for_job(std::string_view job_id) = 0;
};

// Webhooks (docs/webhooks.md): endpoints per organisation, the generic outbox, and the
// deliveries made from it. Across nodes: each outbox event fans out into deliveries exactly
// once (fan_out's conditional update decides, UNIQUE (endpoint, event) backs it up), and a
// delivery is claimed by one node at a time under a lease (PostgreSQL: FOR UPDATE SKIP
// LOCKED), so delivery is at least once: a node that dies mid-attempt leaves the delivery
// to be claimed again once its lease runs out.
class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // ---- endpoints (tenant-scoped: another organisation's endpoint is not found)
  virtual Result<webhooks::Endpoint> create_endpoint(const webhooks::NewEndpoint& endpoint,
                                                     std::int64_t now) = 0;
  // Oldest first.
  virtual Result<std::vector<webhooks::Endpoint>> list_endpoints(
      std::string_view organization_id) = 0;
  virtual Result<std::optional<webhooks::Endpoint>> get_endpoint(
      std::string_view id, std::string_view organization_id) = 0;
  virtual Result<std::optional<webhooks::Endpoint>> update_endpoint(
      std::string_view id, std::string_view organization_id, const webhooks::EndpointPatch& patch,
      std::int64_t now) = 0;
  // Deletes the endpoint with its deliveries. false: not found.
  virtual Result<bool> delete_endpoint(std::string_view id, std::string_view organization_id) = 0;
  // `new_secret` signs from now on; the current one keeps signing until previous_valid_until.
  virtual Result<std::optional<webhooks::Endpoint>> rotate_secret(
      std::string_view id, std::string_view organization_id, std::string_view new_secret,
      std::int64_t previous_valid_until, std::int64_t now) = 0;

  // ---- the outbox
  // Appends an event in its own transaction; returns its id. Changes that must announce
  // themselves atomically use outbox_append (outbox.h) inside their own transaction instead.
  virtual Result<std::int64_t> append_event(std::string_view organization_id,
                                            std::string_view type, std::string_view payload_json,
                                            std::int64_t now) = 0;
  // Events not yet fanned out, oldest first.
  virtual Result<std::vector<webhooks::OutboxEvent>> pending_events(int limit) = 0;
  // Fixes the event's message id and body and creates one pending delivery (due at `now`)
  // per enabled endpoint of its organisation subscribed to its type, in one transaction.
  // Exactly once across nodes: when the event was already fanned out nothing is written and
  // the answer is nullopt; otherwise the number of deliveries created.
  virtual Result<std::optional<int>> fan_out(std::int64_t event_id, std::string_view message_id,
                                             std::string_view body, std::int64_t now) = 0;
  // A `ping` for one endpoint (its own outbox row, already fanned out): the new delivery's id.
  // nullopt: no such endpoint in this organisation.
  virtual Result<std::optional<std::string>> enqueue_ping(std::string_view endpoint_id,
                                                          std::string_view organization_id,
                                                          std::string_view message_id,
                                                          std::string_view body,
                                                          std::int64_t now) = 0;

  // ---- deliveries
  // Up to `limit` pending deliveries due at `now` (next_attempt_at <= now, no live lease)
  // to enabled endpoints, oldest due first, leased to worker_id until now + lease_seconds
  // (each task carries its claim's own lease token).
  virtual Result<std::vector<webhooks::DeliveryTask>> claim_deliveries(
      std::string_view worker_id, std::int64_t lease_seconds, int limit, std::int64_t now) = 0;
  // Records an attempt by the holder of `lease` (DeliveryTask::lease) and applies its outcome (delivered, failed, or
  // pending again at next_attempt_at; optionally disabling the endpoint), in one
  // transaction. false: the lease was lost (another node took over); nothing was written.
  virtual Result<bool> record_attempt(std::string_view delivery_id, std::string_view lease,
                                      const webhooks::AttemptRecord& attempt,
                                      std::int64_t now) = 0;
  // The endpoint's deliveries, newest first, each with its attempts.
  virtual Result<std::vector<webhooks::Delivery>> list_deliveries(
      std::string_view endpoint_id, std::string_view organization_id, int limit) = 0;
  // Sends a delivery again: pending, due at `now`, attempts counted afresh (the attempt log
  // is kept). false: no such delivery of this endpoint in this organisation.
  virtual Result<bool> redeliver(std::string_view delivery_id, std::string_view endpoint_id,
                                 std::string_view organization_id, std::int64_t now) = 0;

  // ---- retention
  // Deletes up to `limit` outbox events that are done with and older than `before`: fanned
  // out, created before `before`, and every delivery of theirs final (delivered or failed)
  // and last changed before `before`; with those deliveries and their attempts. An event not
  // yet fanned out, or with a pending delivery (a retry to come, a redelivery), is never
  // deleted. Safe on any number of nodes at once (PostgreSQL: each takes its rows with
  // FOR UPDATE SKIP LOCKED; SQLite: one writer). Returns the number of events deleted.
  virtual Result<int> prune(std::int64_t before, int limit) = 0;
};

// Catalogue batches. A batch's items are ordinary jobs (batch_id set) and move through the
// queue like any job. The batch completes (status completed, completed_at) in the
// transaction in which its last item reaches a final state, whichever path gets it there
// (a worker, a cancel, an expired lease): a database trigger on both engines.
class BatchRepository {
 public:
  virtual ~BatchRepository() = default;
  // Creates the batch and one queued job per item, all in one transaction. Admission: the
  // items plus the organisation's jobs of the last 24 h (canceled ones too, as the rate
  // limits count them) must fit
  // per_org_day, checked atomically with the inserts as JobRepository::create does (N
  // concurrent batches on any nodes never overshoot); a batch that does not fit writes
  // nothing and comes back as `refused`. Errors: invalid "batch_empty", invalid
  // "batch_too_large" (over 1,000 items), invalid "user_not_in_organization".
  virtual Result<batches::CreateOutcome> create(const batches::NewBatch& batch,
                                                std::int64_t now) = 0;
  // The batch with its item counts, if it belongs to organization_id.
  virtual Result<std::optional<batches::Batch>> get(std::string_view id,
                                                    std::string_view organization_id) = 0;
  // The organisation's batches, newest first, at most `limit` (clamped to 1..kMaxListed).
  virtual Result<std::vector<batches::Batch>> list(std::string_view organization_id,
                                                   int limit) = 0;
  // The batch's items in row order; empty when there is no such batch in the organisation.
  virtual Result<std::vector<batches::Item>> items(std::string_view id,
                                                   std::string_view organization_id) = 0;
  // Every queued item becomes canceled at once and every running one gets a cancel
  // request (as JobRepository::cancel). false: no such batch in the organisation.
  virtual Result<bool> cancel(std::string_view id, std::string_view organization_id,
                              std::int64_t now) = 0;
};

// What organisations used, read from the jobs and videos tables (jobs keep their CPU and
// GPU time and their video's duration, so usage outlives deleted videos).
class UsageRepository {
 public:
  virtual ~UsageRepository() = default;
  // The organisation's jobs that reached a final state at from <= t < to, per UTC day
  // (days without any left out), oldest first.
  virtual Result<std::vector<usage::Day>> by_day(std::string_view organization_id,
                                                 std::int64_t from, std::int64_t to) = 0;
  // Bytes of the organisation's videos stored now.
  virtual Result<std::int64_t> stored_bytes(std::string_view organization_id) = 0;
  // Every organisation's totals over all time, in organisation creation order.
  virtual Result<std::vector<usage::OrgTotals>> totals() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual OrgRepository& orgs() = 0;
  virtual UserRepository& users() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual JobRepository& jobs() = 0;
  virtual JobQueue& queue() = 0;
  virtual VideoRepository& videos() = 0;
  virtual JobEventLog& events() = 0;
  virtual WebhookStore& webhooks() = 0;
  virtual BatchRepository& batches() = 0;
  virtual UsageRepository& usage() = 0;
  // "sqlite" or "postgresql", for logs and /readyz.
  virtual std::string_view engine() const = 0;
  // Readiness: one round trip to the database. Errors as for any query.
  virtual Status ping() = 0;
};

}  // namespace pitchreel::db
