// POST /api/generate-video: the seed's contract, kept exactly. Multipart `image` or
// `imageUrl`, `script`, `productId`; Bearer token of an owner or admin. Answers
// {success, videoUrl, fileName, size, organizationId} once the video is ready within
// seed_wait_s, else 202 with the job's id and status URL (the job carries on).
// The wait is a deferred reply: re-checked whenever a job changes, holding no thread.
#include "api/job_json.h"
#include "api/job_submission.h"
#include "api/routes.h"
#include "auth/authenticator.h"

namespace pitchreel::api {
namespace {

// The seed's answer for a finished job; nullopt while it is queued or running.
Result<std::optional<JsonReply>> finished_answer(ServiceContext& ctx, const Principal& who, const std::string& id) {
  auto job = ctx.db->jobs().get(id, who.organization_id);
  if (!job) return fail(job.error());
  if (!*job) return fail(Error::internal("job_vanished", "The job disappeared while waiting."));
  const Job& j = **job;
  if (j.status == JobStatus::kSucceeded) {
    auto video = ctx.db->videos().get(j.video_id, who.organization_id);
    if (!video) return fail(video.error());
    if (!*video) return fail(Error::internal("video_missing", "The finished job has no video."));
    const auto v = video_json(ctx, **video);
    return JsonReply{200, {{"success", true},
                           // The seed kept videoUrl for good: the permanent link
                           // when the store offers one.
                           {"videoUrl", v["publicUrl"].is_null() ? v["url"] : v["publicUrl"]},
                           {"fileName", (*video)->file_name},
                           {"size", (*video)->size},
                           {"organizationId", who.organization_id},
                           {"jobId", id},
                           {"posterUrl", v["posterUrl"]}}};
  }
  if (j.status == JobStatus::kFailed || j.status == JobStatus::kCanceled) {
    return JsonReply{j.status == JobStatus::kCanceled ? 409 : 500,
                     {{"success", false}, {"code", j.error_code}, {"error", j.error_message}, {"jobId", id}}};
  }
  return std::optional<JsonReply>();
}

}  // namespace

void register_seed_routes(HttpServer& server, ServiceContext& ctx) {
  server.route("POST", "/api/generate-video", [&ctx](const http::Request& req, http::Response& res) {
    auto who = authenticate(ctx, req);
    if (!who) return send_error(res, who.error());
    if (auto s = require_generate(*who); !s) return send_error(res, s.error());
    auto submitted = submit_job(ctx, *who, req);
    if (!submitted) return send_error(res, submitted.error());
    const std::string id = submitted->job.id;

    http::DeferredReply wait;
    wait.wake = ctx.job_changed;
    wait.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.config.seed_wait_s);
    wait.poll = [&ctx, who = *who, id](http::Response& out, bool final) {
      auto answer = finished_answer(ctx, who, id);
      if (!answer || *answer) {
        send_json_reply(out, answer ? Result<JsonReply>(std::move(**answer)) : fail(answer.error()));
        return true;
      }
      if (!final && !ctx.stopping) return false;
      out.set_header("Location", "/api/v1/jobs/" + id);
      send_json_reply(out, JsonReply{202, {{"success", false},
                                           {"pending", true},
                                           {"jobId", id},
                                           {"statusUrl", ctx.public_url + "/api/v1/jobs/" + id},
                                           {"error", "The video is still being made. Follow statusUrl for its progress."}}});
      return true;
    };
    res.set_deferred(std::move(wait));
  });
}

}  // namespace pitchreel::api
