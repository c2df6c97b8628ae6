#include "api/service.h"

#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "api/http_server.h"
#include "api/job_inputs.h"
#include "api/profile_principals.h"
#include "api/routes.h"
#include "api/service_context.h"
#include "api/webhook_events.h"
#include "auth/api_key.h"
#include "auth/jwks.h"
#include "auth/jwks_refresher.h"
#include "auth/principal_cache.h"
#include "db/store_types.h"
#include "db/clock.h"
#include "db/database_url.h"
#include "db/open_store.h"
#include "db/pg_job_listener.h"
#include "db/pg_profiles.h"
#include "fetch/url_fetcher.h"
#include "storage/store_factory.h"
#include "worker/input_sweeper.h"
#include "worker/worker_pool.h"

namespace pitchreel::api {
namespace {

// The signing secret of file URLs: made once per data directory, readable by us only.
Result<std::string> url_secret(const DataDir& data) {
  const auto path = data.url_secret();
  std::ifstream in(path);
  std::string secret;
  if (in && std::getline(in, secret) && secret.size() >= 32) return secret;
  auto fresh = random_secret();
  if (!fresh) return fail(fresh.error());
  std::ofstream out(path, std::ios::trunc);
  out << *fresh << "\n";
  out.close();
  if (!out) return fail(Error::invalid("data_dir_unusable", "Cannot write " + path.string() + "."));
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return *fresh;
}

// On a fresh data directory: an organisation, its owner and an API key, printed once.
// Nodes starting together on one PostgreSQL database race here; the organisation's unique
// name lets exactly one of them create it.
Status first_run(db::Store& database, const std::string& public_url) {
  auto orgs = database.orgs().list();
  if (!orgs) return fail(orgs.error());
  if (!orgs->empty()) return {};
  const auto now = db::unix_now();
  auto org = database.orgs().create("default", now);
  if (!org && org.error().code == "organization_exists") return {};  // another node won
  if (!org) return fail(org.error());
  auto owner = database.users().create(org->id, "owner@localhost", Role::kOwner, now);
  if (!owner) return fail(owner.error());
  const auto key = generate_api_key();
  auto stored = database.api_keys().store(owner->id, key.prefix, key.hash, now);
  if (!stored) return fail(stored.error());
  std::cout << "\nFirst run: created organisation \"default\" (" << org->id << ") and its owner.\n"
            << "  API key (shown once, keep it safe): " << key.key << "\n"
            << "  Sign in to the web UI:              " << public_url << "/#key=" << key.key << "\n"
            << "  More users and keys: pitchreel admin --help\n\n"
            << std::flush;
  return {};
}

Result<std::shared_ptr<const JwksKeySet>> load_jwks_file(const ServiceConfig& config) {
  if (config.jwks_file.empty()) return std::shared_ptr<const JwksKeySet>();
  std::ifstream in(config.jwks_file);
  if (!in) return fail(Error::invalid("config_invalid", "Cannot read JWKS_FILE " + config.jwks_file + "."));
  std::ostringstream ss;
  ss << in.rdbuf();
  auto keys = JwksKeySet::parse(ss.str());
  if (!keys) return fail(keys.error());
  return std::make_shared<const JwksKeySet>(std::move(*keys));
}

// Fetches JWKS_URL for the refresher; the URL is the operator's own setting, so private
// addresses (an identity provider on the same network) are allowed.
Result<std::string> fetch_jwks(const std::string& url) {
  FetchLimits limits;
  limits.max_bytes = 1 << 20;
  limits.allow_private_addresses = true;
  auto fetched = fetch_url(url, limits);
  if (!fetched) {
    Error e = fetched.error();
    e.message = "Fetching JWKS_URL failed: " + e.message;
    return fail(std::move(e));
  }
  return std::string(fetched->body.begin(), fetched->body.end());
}

// Keeps the Authenticator's keys current from JWKS_URL, when one is set; null otherwise.
// The first fetch happens here, so a wrong URL stops the start with its reason.
Result<std::unique_ptr<JwksRefresher>> start_jwks_refresher(const ServiceConfig& config,
                                                            Authenticator& auth) {
  if (config.jwks_url.empty()) return std::unique_ptr<JwksRefresher>();
  auto refresher = std::make_unique<JwksRefresher>(
      [url = config.jwks_url] { return fetch_jwks(url); },
      [&auth](std::shared_ptr<const JwksKeySet> keys) { auth.set_jwks(std::move(keys)); },
      std::chrono::seconds(config.jwks_refresh_s), std::chrono::seconds(30));
  auto first = refresher->refresh();
  if (!first) return fail(first.error());
  refresher->start();
  auth.set_unknown_key_hook([r = refresher.get()] { return r->keys_for_unknown_kid(); });
  spdlog::info("jwks loaded keys={} refresh_s={}", (*first)->keys().size(), config.jwks_refresh_s);
  return refresher;
}

// The configured object store, cleared of what an interrupted run left mid-write. It must
// take a tiny put and delete before the service starts, so a wrong endpoint, bucket, key
// or folder is reported now, not at the first video.
Result<std::unique_ptr<ObjectStore>> open_store(const ServiceConfig& config, const DataDir& data) {
  auto store = open_object_store(config, data);
  if (!store) return fail(store.error());
  if (auto swept = (*store)->sweep_temporaries(); swept && *swept > 0) {
    spdlog::info("storage temporaries removed count={}", *swept);
  }
  if (auto s = (*store)->check_writable(); !s) return fail(s.error());
  return store;
}

// PostgreSQL connections the HTTP handlers may hold at once (the server's thread pool is
// about this size; a handler holds one for a single query at a time).
constexpr std::size_t kHttpDatabaseConnections = 16;

// How often each node sweeps the bucket's inputs folders (and once at start).
constexpr std::chrono::seconds kInputSweepInterval{300};

// Refuses deployments that would lose or split work. PostgreSQL means nodes may run on
// several machines; with local storage a worker elsewhere could not read an upload or a
// video written to this machine's disk. Whether other nodes exist cannot be known at start
// (they may start later), so the operator must say so (PITCHREEL_SINGLE_NODE).
Status check_deployment(const ServiceConfig& config) {
  if (!config.database_url.empty() && config.storage == "local" && !config.single_node) {
    return fail(Error::invalid(
        "local_storage_multi_node",
        "DATABASE_URL lets several pitchreel nodes share one database, but STORAGE=local keeps "
        "uploads and videos on this machine's disk, where other nodes cannot read them. Set "
        "STORAGE=s3 (see docs/storage.md), or PITCHREEL_SINGLE_NODE=true if this is the only "
        "pitchreel process using this database."));
  }
  return {};
}

// The shop's profiles table (AUTH_PROFILES_TABLE), or null when unset. It lives in the
// PostgreSQL database, so it needs DATABASE_URL.
Result<std::unique_ptr<db::PgProfiles>> open_profiles(const ServiceConfig& config) {
  if (config.auth_profiles_table.empty()) return std::unique_ptr<db::PgProfiles>();
  if (config.database_url.empty()) {
    return fail(Error::invalid(
        "auth_profiles_need_postgres",
        "AUTH_PROFILES_TABLE reads a table of your PostgreSQL database, but DATABASE_URL is not "
        "set. Set DATABASE_URL (docs/scale-out.md), or unset AUTH_PROFILES_TABLE."));
  }
  auto target = db::parse_database_url(config.database_url);
  if (!target) return fail(target.error());
  auto profiles = db::PgProfiles::open(
      *target, {config.auth_profiles_table, config.auth_profiles_id_column,
                config.auth_profiles_org_column, config.auth_profiles_role_column});
  if (!profiles) return fail(profiles.error());
  spdlog::info("jwt subjects resolve through table={} id={} org={} role={}",
               config.auth_profiles_table, config.auth_profiles_id_column,
               config.auth_profiles_org_column, config.auth_profiles_role_column);
  return std::move(*profiles);
}

}  // namespace

Status run_service(const ServiceConfig& config) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // threads created from here on inherit it

  if (auto s = check_deployment(config); !s) return s;

  ServiceContext ctx;
  ctx.config = config;
  ctx.engine = config.default_engine;
  ctx.data = DataDir{config.data_dir};
  if (auto s = ctx.data.create(); !s) return s;

  // SQLite (DATABASE_URL unset) or PostgreSQL; migrated on open, under a lock.
  auto database = db::open_state_store(config, ctx.data.database(), kHttpDatabaseConnections);
  if (!database) return fail(database.error());
  // On PostgreSQL, changes made by other nodes arrive as notifications: they wake this
  // node's idle workers and its event streams (the notifiers below), as local changes do.
  // `outbox_changed` wakes the webhook dispatcher: on PostgreSQL the outbox's own NOTIFY (an
  // event appended on any node); on SQLite (one process) every job change here, since every
  // outbox event of a job or a batch comes with one.
  Notifier work_available, job_changed, outbox_changed;
  std::unique_ptr<db::PgJobListener> listener;
  if (!config.database_url.empty()) {
    auto started = db::PgJobListener::start(
        db::parse_database_url(config.database_url).value(), config.db_schema,
        [&](std::string_view, std::string_view status) {
          job_changed.notify();
          if (status == "queued" || status.empty()) work_available.notify();
        },
        [&] { outbox_changed.notify(); });
    if (!started) return fail(started.error());
    listener = std::move(*started);
  } else {
    job_changed.forward_to(&outbox_changed);
  }
  auto store = open_store(config, ctx.data);
  if (!store) return fail(store.error());
  auto secret = url_secret(ctx.data);
  if (!secret) return fail(secret.error());
  const UrlSigner signer(*secret);

  HttpServer server(http_limits(config));
  auto port = server.bind(config.listen);
  if (!port) return fail(port.error());
  const auto host = config.listen.substr(0, config.listen.rfind(':'));
  ctx.public_url = !config.public_url.empty() ? config.public_url
                                              : "http://" + host + ":" + std::to_string(*port);
  while (!ctx.public_url.empty() && ctx.public_url.back() == '/') ctx.public_url.pop_back();
  if (auto s = first_run(**database, ctx.public_url); !s) return s;

  auto jwks = load_jwks_file(config);
  if (!jwks) return fail(jwks.error());
  JwtConfig jwt;
  jwt.hs256_secret = config.jwt_secret;
  jwt.audience = config.jwt_audience;
  db::Store& db = **database;
  // Keys and profiles are remembered for 2 s: a polling client costs no lookup per request,
  // and a revocation (by `pitchreel admin`, another process) takes effect within 2 s.
  PrincipalCache key_cache(std::chrono::seconds(2), 10000), profile_cache(std::chrono::seconds(2), 10000);
  // JWT subjects: the shop's own profiles table when AUTH_PROFILES_TABLE is set (checked
  // now, so a wrong table or column stops the start), else pitchreel's users.
  auto profiles = open_profiles(config);
  if (!profiles) return fail(profiles.error());
  Authenticator::ProfileLookup profile_lookup =
      *profiles ? profile_table_lookup(**profiles, db)
                : Authenticator::ProfileLookup(
                      [&db](const std::string& user_id) -> Result<std::optional<Principal>> {
                        auto user = db.users().get(user_id);
                        if (!user) return fail(user.error());
                        if (!*user) return std::optional<Principal>();
                        return std::optional<Principal>(
                            Principal{(*user)->id, (*user)->organization_id, (*user)->role});
                      });
  Authenticator auth(
      jwt, *jwks,
      cached_lookup(key_cache, [&db](const std::string& hash) -> Result<std::optional<Principal>> {
        auto match = db.api_keys().find_active_by_hash(hash);
        if (!match) return fail(match.error());
        if (!*match) return std::optional<Principal>();
        if (const auto now = db::unix_now(); db::api_keys::touch_due((*match)->last_used_at, now)) {
          (void)db.api_keys().touch((*match)->key_id, now);
        }
        return std::optional<Principal>((*match)->principal);
      }),
      cached_lookup(profile_cache, profile_lookup));
  auto jwks_refresher = start_jwks_refresher(config, auth);
  if (!jwks_refresher) return fail(jwks_refresher.error());

  Metrics metrics;
  metrics.describe("pitchreel_http_requests_total", "counter",
                   "HTTP requests by route and status.");
  metrics.describe("pitchreel_stage_seconds", "summary", "Time spent per pipeline stage.");
  metrics.describe("pitchreel_jobs", "gauge", "Jobs by status.");
  metrics.describe("pitchreel_queue_depth", "gauge", "Jobs waiting for a worker.");
  ctx.db = &db;
  ctx.store = store->get();
  ctx.signer = &signer;
  ctx.auth = &auth;
  ctx.work_available = &work_available;
  ctx.job_changed = &job_changed;
  ctx.metrics = &metrics;

  WorkerPoolOptions pool_options;
  pool_options.workers = config.workers;
  pool_options.lease_s = config.lease_s;
  pool_options.database_path = ctx.data.database();
  pool_options.work_dir = ctx.data.work();
  pool_options.uploads_dir = ctx.data.uploads();
  pool_options.config = config;
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  pool_options.node_id = std::string(hostname) + "-" + std::to_string(::getpid());
  // An API node never renders; a worker node serves only health and metrics.
  if (config.role == "api") pool_options.workers = 0;
  WorkerPool pool(**store, work_available, job_changed, metrics, pool_options);
  // Every node removes the inputs of jobs that ended without their worker cleaning up (a
  // killed node) and of submissions that never became a job: in the bucket, or in this
  // node's uploads folder. The first local sweep runs before any request is served; a
  // process that is the whole service (role "all") has nothing of its data directory in
  // flight then, so it needs no grace. Split roles on one data directory keep the grace.
  std::optional<InputSweeper> input_sweeper;
  if (inputs_in_object_store(config)) {
    input_sweeper.emplace([&store = **store, &db](std::int64_t now) { return sweep_job_inputs(store, db, now); },
                          kInputSweepInterval);
  } else {
    const auto uploads = ctx.data.uploads();
    const std::int64_t first_grace = config.role == "all" ? 0 : kOrphanInputGraceSeconds;
    if (auto swept = sweep_local_uploads(uploads, db, db::unix_now(), first_grace);
        swept && swept->removed > 0) {
      spdlog::info("uploads swept at start removed={} kept={}", swept->removed, swept->kept);
    }
    input_sweeper.emplace([uploads, &db](std::int64_t now) { return sweep_local_uploads(uploads, db, now); },
                          kInputSweepInterval, /*run_at_start=*/false);
  }
  if (pool_options.workers > 0) {
    if (auto s = pool.start(); !s) return s;
  }

  // Every node delivers webhooks: fan-out is once per event and each delivery is leased,
  // whatever the number of nodes. Its own store: SQLite serialises one connection's users.
  auto webhook_db = db::open_state_store(config, ctx.data.database(), 2);
  if (!webhook_db) return fail(webhook_db.error());
  webhooks::DispatcherOptions hook_options;
  hook_options.node_id = pool_options.node_id;
  hook_options.sender.allow_private_addresses = config.allow_private_webhook_urls;
  hook_options.sender.timeout = std::chrono::seconds(config.webhook_timeout_s);
  hook_options.lease_s = config.webhook_timeout_s + 30;
  hook_options.changes = &outbox_changed;
  hook_options.idle_poll = std::chrono::milliseconds(config.webhook_poll_ms);
  hook_options.retention_s = std::int64_t{config.webhook_retention_days} * 86400;
  db::Store& hook_store = **webhook_db;
  webhooks::Dispatcher dispatcher(
      hook_store,
      [&ctx, &hook_store](const db::webhooks::OutboxEvent& event) {
        return webhook_event_data(ctx, hook_store, event);
      },
      hook_options);
  ctx.webhooks = &dispatcher;
  dispatcher.start();

  if (config.role == "worker") {
    register_health_routes(server, ctx);
  } else {
    register_routes(server, ctx);
  }
  server.count_requests(metrics);
  std::thread http([&server] { server.run(); });
  spdlog::info("serving url={} data_dir={} role={} workers={} database={} storage=\"{}\"",
               ctx.public_url, config.data_dir.string(), config.role, pool_options.workers,
               db.engine(), (*store)->name());
  std::cout << "pitchreel listening on " << ctx.public_url << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("shutting down signal={} grace_s={}", received, config.shutdown_grace_s);
  ctx.stopping = true;
  job_changed.notify();  // wakes event streams and waiting seed requests
  server.stop();
  http.join();
  pool.stop(std::chrono::seconds(config.shutdown_grace_s));
  dispatcher.stop();
  spdlog::info("stopped");
  return {};
}

}  // namespace pitchreel::api
