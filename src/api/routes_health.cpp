// /healthz (the process answers), /readyz (database, storage, Hallo3 health; ?deep=1 runs
// the doctor's checks, for operators only) and /metrics
// (Prometheus text: HTTP requests, stage durations, jobs by state, queue depth; series by
// organisation only for operators).
#include "api/operator_access.h"
#include "api/routes.h"
#include <fmt/format.h>

#include "core/version.h"
#include "doctor/doctor.h"
#include "engines/hallo3_engine.h"

namespace pitchreel::api {

void register_health_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/healthz", [](const http::Request&, http::Response&) -> Result<JsonReply> {
    return JsonReply{200, {{"status", "ok"}, {"version", kVersion}}};
  });

  server.get("/readyz", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    nlohmann::json checks = nlohmann::json::object();
    bool ready = true;
    // ?deep=1: the doctor's checks (each backend called once; no GPU job). It calls every
    // backend, can hold a thread for a backend's timeout and names hosts: operators only.
    if (req.has_param("deep")) {
      if (auto s = require_operator(ctx.config, req, "Deep readiness checks"); !s) return fail(s.error());
      const auto results = run_doctor(ctx.config, {});
      for (const auto& r : results) checks[r.name] = r.status == CheckStatus::kFailed ? r.message : to_string(r.status);
      ready = all_passed(results);
    }
    if (auto depth = ctx.db->jobs().queue_depth(); depth) {
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
    // The Hallo3 backend as jobs last found it (no GPU call per probe): unhealthy after
    // HALLO3_UNHEALTHY_AFTER failures in a row. It decides readiness only when hallo3 is
    // the default engine; cpu jobs work without it.
    if (!ctx.config.hallo3_url.empty()) {
      const auto health = hallo3_health(hallo3_settings(ctx.config))->snapshot();
      if (health.healthy) {
        checks["hallo3"] = "ok";
      } else {
        checks["hallo3"] = fmt::format("unhealthy after {} failures in a row (probed again in {:.0f} s): {}",
                                       health.consecutive_failures, health.retry_in_s, health.last_error);
        if (ctx.config.default_engine == "hallo3") ready = false;
      }
    }
    return JsonReply{ready ? 200 : 503, {{"ready", ready}, {"checks", checks}}};
  });

  server.raw().Get("/metrics", [&ctx](const http::Request& req, http::Response& res) {
    std::vector<std::tuple<std::string, Labels, double>> gauges;
    if (auto counts = ctx.db->jobs().count_by_status(); counts) {
      for (const auto& [status, n] : *counts) {
        gauges.emplace_back("pitchreel_jobs", Labels{{"status", std::string(to_string(status))}},
                            static_cast<double>(n));
      }
    }
    if (auto depth = ctx.db->jobs().queue_depth(); depth) {
      gauges.emplace_back("pitchreel_queue_depth", Labels{}, static_cast<double>(*depth));
    }
    // Which organisations use the service, and how much, is the operator's business: an
    // anonymous scrape gets those series added up.
    static const std::set<std::string> kPrivate = {"organization"};
    res.set_content(ctx.metrics->render(gauges, is_operator(ctx.config, req) ? std::set<std::string>{} : kPrivate),
                    "text/plain; version=0.0.4");
  });
}

}  // namespace pitchreel::api
