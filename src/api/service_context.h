// ServiceContext: what the routes share, built once by `pitchreel serve`. The routes hold
// references into it; it outlives the HTTP server. Every member is safe to use from the
// server's threads (each documents its own thread safety).
#pragma once

#include <atomic>
#include <string>

#include "auth/authenticator.h"
#include "core/config.h"
#include "core/data_dir.h"
#include "core/metrics.h"
#include "core/notifier.h"
#include "core/ttl_cache.h"
#include "db/store.h"
#include "storage/object_store.h"
#include "storage/url_signer.h"

namespace pitchreel::api {

struct ServiceContext {
  ServiceConfig config;
  DataDir data;
  std::string public_url;  // e.g. http://127.0.0.1:8080, no trailing slash
  db::Store* db = nullptr;  // state: jobs, queue, videos, keys (SQLite or PostgreSQL)
  ObjectStore* store = nullptr;
  const UrlSigner* signer = nullptr;
  const Authenticator* auth = nullptr;
  Notifier* work_available = nullptr;  // notified when a job is queued
  Notifier* job_changed = nullptr;     // notified by workers when a job moves
  Metrics* metrics = nullptr;
  std::string engine = "cpu";
  // The answers for finished jobs (which no longer change), keyed "org/job", for 2 s: a
  // client polling a done job costs no database work. Cleared when a video is deleted.
  TtlCache<std::string> finished_jobs{std::chrono::seconds(2), 10000};
  // What event streams last read of a job, keyed "org/job", tagged with the job_changed
  // version seen before the read: while no change has been announced since, every stream
  // on that job shares the one read (10,000 streams woken by one heartbeat cost one
  // database read, not 10,000). Kept 1 s, so the streams' safety polls still re-read
  // changes made by other processes.
  struct JobSnapshot {
    std::uint64_t version = 0;
    std::string json;
    bool live = false;  // queued or running: the stream goes on
  };
  TtlCache<JobSnapshot> job_snapshots{std::chrono::seconds(1), 10000};
  // Raised at shutdown so that long-lived requests (event streams, the seed's wait)
  // end promptly instead of holding the server open.
  std::atomic<bool> stopping{false};
};

}  // namespace pitchreel::api
