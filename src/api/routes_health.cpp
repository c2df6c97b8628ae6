// /healthz (the process answers), /readyz (database and storage usable) and /metrics
// (Prometheus text: HTTP requests, stage durations, jobs by state, queue depth).
#include "api/routes.h"
#include "core/version.h"
#include "db/job_repository.h"

namespace pitchreel::api {

void register_health_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/healthz", [](const httplib::Request&, httplib::Response&) -> Result<JsonReply> {
    return JsonReply{200, {{"status", "ok"}, {"version", kVersion}}};
  });

  server.get("/readyz", [&ctx](const httplib::Request&, httplib::Response&) -> Result<JsonReply> {
    nlohmann::json checks = nlohmann::json::object();
    bool ready = true;
    if (auto depth = db::jobs::queue_depth(*ctx.db); depth) {
      checks["database"] = "ok";
    } else {
      checks["database"] = depth.error().message;
      ready = false;
    }
    if (auto s = ctx.store->check_writable(); s) {
      checks["storage"] = "ok";
    } else {
      checks["storage"] = s.error().message;
      ready = false;
    }
    return JsonReply{ready ? 200 : 503, {{"ready", ready}, {"checks", checks}}};
  });

  server.raw().Get("/metrics", [&ctx](const httplib::Request&, httplib::Response& res) {
    std::vector<std::tuple<std::string, Labels, double>> gauges;
    if (auto counts = db::jobs::count_by_status(*ctx.db); counts) {
      for (const auto& [status, n] : *counts) {
        gauges.emplace_back("pitchreel_jobs", Labels{{"status", std::string(to_string(status))}},
                            static_cast<double>(n));
      }
    }
    if (auto depth = db::jobs::queue_depth(*ctx.db); depth) {
      gauges.emplace_back("pitchreel_queue_depth", Labels{}, static_cast<double>(*depth));
    }
    res.set_content(ctx.metrics->render(gauges), "text/plain; version=0.0.4");
  });
}

}  // namespace pitchreel::api
