// POST /api/generate-video: the seed's contract, kept exactly. Multipart `image` or
// `imageUrl`, `script`, `productId`; Bearer token of an owner or admin. Answers
// {success, videoUrl, fileName, size, organizationId} once the video is ready within
// seed_wait_s, else 202 with the job's id and status URL (the job carries on).
#include "api/job_json.h"
#include "api/job_submission.h"
#include "api/routes.h"
#include "auth/authenticator.h"

namespace pitchreel::api {

void register_seed_routes(HttpServer& server, ServiceContext& ctx) {
  server.post("/api/generate-video", [&ctx](const http::Request& req, http::Response& res) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    if (auto s = require_generate(*who); !s) return fail(s.error());
    auto submitted = submit_job(ctx, *who, req);
    if (!submitted) return fail(submitted.error());
    const std::string id = submitted->job.id;

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.config.seed_wait_s);
    auto seen = ctx.job_changed->version();
    for (;;) {
      auto job = ctx.db->jobs().get(id, who->organization_id);
      if (!job) return fail(job.error());
      if (!*job) return fail(Error::internal("job_vanished", "The job disappeared while waiting."));
      const Job& j = **job;
      if (j.status == JobStatus::kSucceeded) {
        auto video = ctx.db->videos().get(j.video_id, who->organization_id);
        if (!video) return fail(video.error());
        if (!*video) return fail(Error::internal("video_missing", "The finished job has no video."));
        const auto v = video_json(ctx, **video);
        return JsonReply{200, {{"success", true},
                               {"videoUrl", v["url"]},
                               {"fileName", (*video)->file_name},
                               {"size", (*video)->size},
                               {"organizationId", who->organization_id},
                               {"jobId", id},
                               {"posterUrl", v["posterUrl"]}}};
      }
      if (j.status == JobStatus::kFailed || j.status == JobStatus::kCanceled) {
        return JsonReply{j.status == JobStatus::kCanceled ? 409 : 500,
                         {{"success", false}, {"code", j.error_code}, {"error", j.error_message}, {"jobId", id}}};
      }
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero() || ctx.stopping) break;
      seen = ctx.job_changed->wait_for_change(
          seen, std::min<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(left),
                                                    std::chrono::seconds(1)));
    }
    res.set_header("Location", "/api/v1/jobs/" + id);
    return JsonReply{202, {{"success", false},
                           {"pending", true},
                           {"jobId", id},
                           {"statusUrl", ctx.public_url + "/api/v1/jobs/" + id},
                           {"error", "The video is still being made. Follow statusUrl for its progress."}}};
  });
}

}  // namespace pitchreel::api
