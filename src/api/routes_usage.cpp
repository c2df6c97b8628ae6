// GET /api/v1/usage: the caller's organisation's usage and estimated cost (usage_report.h).
#include "api/routes.h"
#include "api/usage_report.h"
#include "db/clock.h"

namespace pitchreel::api {

void register_usage_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/api/v1/usage", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    auto query = parse_usage_query(req.get_param_value("from"), req.get_param_value("to"),
                                   req.get_param_value("granularity"), db::unix_now());
    if (!query) return fail(query.error());
    auto report = usage_report(*ctx.db, who->organization_id, *query, Prices::from(ctx.config));
    if (!report) return fail(report.error());
    return JsonReply{200, to_json(*report)};
  });
}

}  // namespace pitchreel::api
