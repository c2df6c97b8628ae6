// GET /api/v1/videos (newest first, productId filter, cursor pages), GET and DELETE
// /api/v1/videos/{id}. Deleting removes the stored files too.
#include <spdlog/spdlog.h>

#include "api/job_json.h"
#include "api/routes.h"
#include "auth/authenticator.h"

namespace pitchreel::api {
namespace {

Error video_not_found() {
  return Error::invalid("not_found", "There is no such video in your organisation.");
}

}  // namespace

void register_video_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/api/v1/videos", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    int limit = 20;
    if (req.has_param("limit")) {
      try {
        limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, 100);
      } catch (...) {
        return fail(Error::invalid("invalid_limit", "limit must be a number from 1 to 100."));
      }
    }
    std::optional<std::string> product;
    if (req.has_param("productId")) product = req.get_param_value("productId");
    auto page = ctx.db->videos().list(who->organization_id,
                                      product ? std::optional<std::string_view>(*product) : std::nullopt,
                                      limit, req.get_param_value("cursor"));
    if (!page) return fail(page.error());
    nlohmann::json videos = nlohmann::json::array();
    for (const auto& v : page->videos) videos.push_back(video_json(ctx, v));
    nlohmann::json body = {{"videos", videos}, {"nextCursor", nullptr}};
    if (!page->next_cursor.empty()) body["nextCursor"] = page->next_cursor;
    return JsonReply{200, body};
  });

  server.get(R"(/api/v1/videos/([0-9a-fA-F-]{1,64}))", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    auto video = ctx.db->videos().get(req.matches[1].str(), who->organization_id);
    if (!video) return fail(video.error());
    if (!*video) return fail(video_not_found());
    return JsonReply{200, video_json(ctx, **video)};
  });

  server.del(R"(/api/v1/videos/([0-9a-fA-F-]{1,64}))", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    if (auto s = require_generate(*who); !s) return fail(s.error());
    auto removed = ctx.db->videos().remove(req.matches[1].str(), who->organization_id);
    if (!removed) return fail(removed.error());
    if (!*removed) return fail(video_not_found());
    ctx.finished_jobs.clear();  // a cached job answer may still show this video
    if (ctx.webhooks) ctx.webhooks->wake();  // the deletion appended video.deleted
    for (const auto& key : {(*removed)->video_key, (*removed)->poster_key, (*removed)->captions_key}) {
      if (auto s = ctx.store->remove(key); !s) {
        // The row is gone, so the object is unreachable; log it for the operator to sweep.
        spdlog::warn("video object not removed key={} code={}", key, s.error().code);
      }
    }
    spdlog::info("video deleted video_id={} org={}", (*removed)->id, who->organization_id);
    return JsonReply{200, {{"success", true}, {"id", (*removed)->id}}};
  });
}

}  // namespace pitchreel::api
