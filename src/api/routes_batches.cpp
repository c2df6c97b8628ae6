// POST /api/v1/batches (JSON or CSV; ?dryRun=true only validates), GET /api/v1/batches,
// GET /api/v1/batches/{id}, its server-sent events, and POST /api/v1/batches/{id}/cancel.
// docs/batches.md describes them.
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <cstdlib>
#include <set>

#include "api/batch_json.h"
#include "api/batch_submission.h"
#include "api/http_error.h"
#include "api/routes.h"
#include "auth/authenticator.h"
#include "db/clock.h"

namespace pitchreel::api {
namespace {

constexpr std::string_view kIdPattern = "([0-9a-fA-F-]{1,64})";

Error batch_not_found() {
  return Error::invalid("not_found", "There is no such batch in your organisation.");
}

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

Result<db::batches::Batch> load_batch(const ServiceContext& ctx, const std::string& id,
                                      const std::string& organization_id) {
  auto batch = ctx.db->batches().get(id, organization_id);
  if (!batch) return fail(batch.error());
  if (!*batch) return fail(batch_not_found());
  return std::move(**batch);
}

// The answer for a batch refused as a whole: every problem with its row and field.
JsonReply invalid_batch(const BatchRequest& request, const http::Response& res) {
  std::set<int> rows;
  for (const auto& p : request.problems) rows.insert(p.row);
  return JsonReply{
      400,
      {{"success", false},
       {"code", "batch_invalid"},
       {"error", fmt::format("The batch was not created: {} problem(s) in {} row(s). Fix every "
                             "listed row and field, then send the whole batch again.",
                             request.problems.size(), rows.size())},
       {"problems", problems_json(request.problems)},
       {"requestId", HttpServer::request_id(res)}}};
}

JsonReply quota_refused(const db::batches::QuotaRefusal& r, std::size_t items,
                        http::Response& res) {
  std::string when;
  if (r.fits_all_in_s > 0) {
    res.set_header("Retry-After", std::to_string(r.fits_all_in_s));
    when = fmt::format("The whole batch fits in {} s (see Retry-After), when earlier videos "
                       "leave the 24-hour window.",
                       r.fits_all_in_s);
  } else {
    when = fmt::format("A batch of {} never fits under a daily quota of {}: split it.", items,
                       r.limit);
  }
  return JsonReply{
      429,
      {{"success", false},
       {"code", "quota_exceeded"},
       {"error", fmt::format("The batch has {} items, but your organisation's daily quota of {} "
                             "videos has {} left ({} used in the last 24 hours). {}",
                             items, r.limit, r.fits_now, r.used, when)},
       {"limit", r.limit},
       {"used", r.used},
       {"fitsNow", r.fits_now},
       {"fitsAllInSeconds", r.fits_all_in_s > 0 ? nlohmann::json(r.fits_all_in_s)
                                                : nlohmann::json(nullptr)},
       {"requestId", HttpServer::request_id(res)}}};
}

Result<JsonReply> create_batch(ServiceContext& ctx, const http::Request& req,
                               http::Response& res) {
  auto who = authenticate(ctx, req);
  if (!who) return fail(who.error());
  if (auto s = require_generate(*who); !s) return fail(s.error());
  auto request = read_batch_request(ctx, req);
  if (!request) return fail(request.error());
  if (req.has_param("dryRun") && truthy(req.get_param_value("dryRun"))) {
    return JsonReply{200,
                     {{"valid", request->problems.empty()},
                      {"rows", request->rows},
                      {"itemCount", request->items.size()},
                      {"problems", problems_json(request->problems)},
                      {"ignoredFields", request->ignored_columns}}};
  }
  if (!request->problems.empty()) return invalid_batch(*request, res);

  db::batches::NewBatch batch;
  batch.organization_id = who->organization_id;
  batch.user_id = who->user_id;
  nlohmann::json defaults = nlohmann::json::object();
  for (const auto& [k, v] : request->defaults) defaults[k] = v;
  batch.defaults = defaults.dump();
  batch.max_attempts = ctx.config.max_attempts;
  batch.per_org_day = ctx.config.rate_per_org_day;
  for (const auto& item : request->items) {
    batch.items.push_back({item.row, to_json(item_job_spec(item)).dump(), item.product_id});
  }
  auto created = ctx.db->batches().create(batch, db::unix_now());
  if (!created) return fail(created.error());
  if (created->refused) return quota_refused(*created->refused, batch.items.size(), res);
  spdlog::info("batch queued batch_id={} org={} user={} items={}", created->batch->id,
               who->organization_id, who->user_id, batch.items.size());
  ctx.work_available->notify();
  auto body = batch_json(ctx, *created->batch, std::nullopt);
  if (!body) return fail(body.error());
  res.set_header("Location", "/api/v1/batches/" + created->batch->id);
  return JsonReply{201, *body};
}

void stream_batch_events(ServiceContext& ctx, const Principal& who, const std::string& id,
                         http::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  http::EventStream stream;
  stream.wake = ctx.job_changed;
  // As the job stream: called on every job change (and every 4th keep-alive); sends the
  // batch's summary when it changed; ends once the batch has completed.
  stream.poll = [&ctx, who, id, last = std::size_t{0}](std::string& out) mutable {
    auto batch = load_batch(ctx, id, who.organization_id);
    if (!batch) return false;
    auto json = batch_json(ctx, *batch, std::nullopt);
    if (!json) return false;
    std::string data = json->dump();
    if (const auto hash = std::hash<std::string>{}(data); hash != last) {
      out += "event: batch\ndata: " + data + "\n\n";
      last = hash;
    }
    // The last event is the completed batch; then the stream ends.
    return batch->status != db::batches::BatchStatus::kCompleted && !ctx.stopping;
  };
  res.set_event_stream(std::move(stream));
}

}  // namespace

void register_batch_routes(HttpServer& server, ServiceContext& ctx) {
  const std::string one = std::string("/api/v1/batches/") + std::string(kIdPattern);

  server.post("/api/v1/batches", [&ctx](const http::Request& req, http::Response& res) {
    return create_batch(ctx, req, res);
  });

  server.get("/api/v1/batches", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    int limit = 20;
    if (req.has_param("limit")) {
      const auto text = req.get_param_value("limit");
      limit = std::atoi(text.c_str());
      if (limit < 1 || limit > db::batches::kMaxListed) {
        return fail(Error::invalid("invalid_limit",
                                   fmt::format("limit must be from 1 to {}.", db::batches::kMaxListed)));
      }
    }
    auto list = ctx.db->batches().list(who->organization_id, limit);
    if (!list) return fail(list.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : *list) {
      auto j = batch_json(ctx, b, std::nullopt);
      if (!j) return fail(j.error());
      out.push_back(std::move(*j));
    }
    return JsonReply{200, {{"batches", out}}};
  });

  server.get(one, [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    auto batch = load_batch(ctx, req.matches[1], who->organization_id);
    if (!batch) return fail(batch.error());
    auto items = ctx.db->batches().items(batch->id, who->organization_id);
    if (!items) return fail(items.error());
    auto body = batch_json(ctx, *batch, *items);
    if (!body) return fail(body.error());
    return JsonReply{200, *body};
  });

  server.post(one + "/cancel", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    if (auto s = require_generate(*who); !s) return fail(s.error());
    auto found = ctx.db->batches().cancel(req.matches[1].str(), who->organization_id, db::unix_now());
    if (!found) return fail(found.error());
    if (!*found) return fail(batch_not_found());
    ctx.job_changed->notify();
    auto batch = load_batch(ctx, req.matches[1], who->organization_id);
    if (!batch) return fail(batch.error());
    auto body = batch_json(ctx, *batch, std::nullopt);
    if (!body) return fail(body.error());
    return JsonReply{202, *body};
  });

  server.raw().Get(one + "/events", [&ctx](const http::Request& req, http::Response& res) {
    auto who = authenticate(ctx, req);
    if (!who) return send_error(res, who.error());
    if (auto batch = load_batch(ctx, req.matches[1], who->organization_id); !batch) {
      return send_error(res, batch.error());
    }
    stream_batch_events(ctx, *who, req.matches[1], res);
  });
}

}  // namespace pitchreel::api
