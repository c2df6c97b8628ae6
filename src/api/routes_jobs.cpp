// POST /api/v1/jobs, GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/cancel and the
// job's server-sent events.
#include <spdlog/spdlog.h>

#include "api/job_inputs.h"
#include "api/job_json.h"
#include "api/job_submission.h"
#include "api/routes.h"
#include "auth/authenticator.h"
#include "db/clock.h"

namespace pitchreel::api {
namespace {

Error job_not_found() {
  return Error::invalid("not_found", "There is no such job in your organisation.");
}

// The job as the API shows it, or not_found (also for other organisations' jobs).
Result<nlohmann::json> load_job_json(const ServiceContext& ctx, const std::string& id,
                                     const std::string& organization_id) {
  auto job = ctx.db->jobs().get(id, organization_id);
  if (!job) return fail(job.error());
  if (!*job) return fail(job_not_found());
  std::optional<Video> video;
  if (!(*job)->video_id.empty()) {
    auto v = ctx.db->videos().get((*job)->video_id, organization_id);
    if (!v) return fail(v.error());
    video = *v;
  }
  std::optional<std::int64_t> position;
  if ((*job)->status == JobStatus::kQueued) {
    auto p = ctx.db->jobs().position_in_queue(id);
    if (p) position = *p;
  }
  return job_json(ctx, **job, video, position);
}

// The stream's credential, checked again: a revoked key, a deleted user or an expired
// token ends the stream (with an "error" event saying why). Only a definite refusal ends
// it; a database that is briefly unreachable does not cut every open stream.
bool still_authorized(const ServiceContext& ctx, const std::string& authorization,
                      const std::string& organization_id, std::string& out) {
  auto who = ctx.auth->authenticate(authorization);
  if (who && who->organization_id == organization_id) return true;
  if (!who && who.error().code != "unauthorized" && who.error().code != "forbidden") return true;
  const Error why = who ? Error::invalid("unauthorized", "The credential now belongs to another organisation.")
                        : who.error();
  out += "event: error\ndata: " +
         nlohmann::json{{"code", why.code},
                        {"error", why.message + " The stream has ended; open it again with a valid credential."}}
             .dump() +
         "\n\n";
  return false;
}

void stream_events(ServiceContext& ctx, const Principal& who, std::string authorization, const std::string& id,
                   http::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  // Called again whenever a job changes (and every 15 s); holds no thread in between.
  http::EventStream stream;
  stream.wake = ctx.job_changed;
  // Only a hash of the last event is kept: thousands of idle streams must stay small.
  // The credential is re-checked before every event and on the stream's timer; the
  // principal cache keeps that to one lookup per credential every 2 s.
  stream.poll = [&ctx, who, authorization, id, last = std::size_t{0}](std::string& out) mutable {
    if (!still_authorized(ctx, authorization, who.organization_id, out)) return false;
    const std::string key = who.organization_id + "/" + id;
    // The version is read before the job: a change announced after it makes the
    // snapshot stale for everyone, so no stream can miss a change by sharing it.
    const auto version = ctx.job_changed->version();
    auto snapshot = ctx.job_snapshots.find(key);
    if (!snapshot || snapshot->version != version) {
      auto job = load_job_json(ctx, id, who.organization_id);
      if (!job) return false;
      const auto status = job->at("status").get<std::string>();
      snapshot = ServiceContext::JobSnapshot{version, job->dump(), status == "queued" || status == "running"};
      ctx.job_snapshots.put(key, *snapshot);
    }
    if (const auto hash = std::hash<std::string>{}(snapshot->json); hash != last) {
      out += "event: job\ndata: " + snapshot->json + "\n\n";
      last = hash;
    }
    return snapshot->live && !ctx.stopping;
  };
  stream.check = [&ctx, org = who.organization_id, authorization = std::move(authorization)](std::string& out) {
    return still_authorized(ctx, authorization, org, out);
  };
  stream.check_every = std::chrono::seconds(ctx.config.http_stream_recheck_s);
  res.set_event_stream(std::move(stream));
}

}  // namespace

void register_job_routes(HttpServer& server, ServiceContext& ctx) {
  server.post("/api/v1/jobs", [&ctx](const http::Request& req, http::Response& res) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    if (auto s = require_generate(*who); !s) return fail(s.error());
    auto submitted = submit_job(ctx, *who, req);
    if (!submitted) return fail(submitted.error());
    auto body = load_job_json(ctx, submitted->job.id, who->organization_id);
    if (!body) return fail(body.error());
    res.set_header("Location", "/api/v1/jobs/" + submitted->job.id);
    return JsonReply{submitted->created ? 202 : 200, *body};
  });

  server.get(R"(/api/v1/jobs/([0-9a-fA-F-]{1,64}))", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    const std::string cache_key = who->organization_id + "/" + std::string(req.matches[1]);
    if (auto cached = ctx.finished_jobs.find(cache_key)) return JsonReply::serialized_as(200, std::move(*cached));
    auto body = load_job_json(ctx, req.matches[1], who->organization_id);
    if (!body) return fail(body.error());
    const auto status = body->value("status", "");
    if (status == "succeeded" || status == "failed" || status == "canceled") {
      std::string serialized = body->dump();
      ctx.finished_jobs.put(cache_key, serialized);
      return JsonReply::serialized_as(200, std::move(serialized));
    }
    return JsonReply{200, *body};
  });

  server.post(R"(/api/v1/jobs/([0-9a-fA-F-]{1,64})/cancel)", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    if (auto s = require_generate(*who); !s) return fail(s.error());
    auto outcome = ctx.db->jobs().cancel(req.matches[1].str(), who->organization_id, db::unix_now());
    if (!outcome) return fail(outcome.error());
    if (*outcome == db::jobs::CancelOutcome::kNotFound) return fail(job_not_found());
    // No worker ever saw a job canceled while queued, so no worker removes its inputs.
    if (*outcome == db::jobs::CancelOutcome::kCanceled) {
      remove_canceled_job_inputs(ctx, req.matches[1].str(), who->organization_id);
    }
    ctx.job_changed->notify();
    auto body = load_job_json(ctx, req.matches[1], who->organization_id);
    if (!body) return fail(body.error());
    return JsonReply{*outcome == db::jobs::CancelOutcome::kAlreadyFinished ? 409 : 202, *body};
  });

  server.raw().Get(R"(/api/v1/jobs/([0-9a-fA-F-]{1,64})/events)", [&ctx](const http::Request& req, http::Response& res) {
    auto who = authenticate(ctx, req);
    if (!who) return send_error(res, who.error());
    if (auto job = load_job_json(ctx, req.matches[1], who->organization_id); !job) {
      return send_error(res, job.error());
    }
    stream_events(ctx, *who, req.get_header_value("Authorization"), req.matches[1], res);
  });
}

}  // namespace pitchreel::api
