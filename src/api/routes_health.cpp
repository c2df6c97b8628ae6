// /healthz (the process answers), /readyz (database, storage, Hallo3 health; ?deep=1 runs
// the doctor's checks, for operators only) and /metrics
// (Prometheus text: HTTP requests, stage durations, jobs by state, queue depth; series by
// organisation only for operators).
#include "api/operator_access.h"
#include "api/routes.h"
#include <fmt/format.h>

#include <array>

#include "core/version.h"
#include "doctor/doctor.h"
#include "engines/hallo3_engine.h"

namespace pitchreel::api {
namespace {

struct OrgGauge {
  std::string_view name;
  double (*value)(const db::usage::OrgTotals&);
};
constexpr std::array<OrgGauge, 6> kOrgGauges = {{
    {"pitchreel_org_videos", [](const db::usage::OrgTotals& t) { return double(t.videos); }},
    {"pitchreel_org_videos_failed", [](const db::usage::OrgTotals& t) { return double(t.failed); }},
    {"pitchreel_org_video_seconds", [](const db::usage::OrgTotals& t) { return t.video_seconds; }},
    {"pitchreel_org_render_cpu_seconds", [](const db::usage::OrgTotals& t) { return t.cpu_seconds; }},
    {"pitchreel_org_gpu_seconds", [](const db::usage::OrgTotals& t) { return t.gpu_seconds; }},
    {"pitchreel_org_stored_bytes", [](const db::usage::OrgTotals& t) { return double(t.stored_bytes); }},
}};
constexpr std::array<std::string_view, 6> kOrgGaugeHelp = {
    "Videos made, per organisation (all time).",
    "Jobs failed for good, per organisation (all time).",
    "Seconds of video made, per organisation (all time).",
    "Render CPU seconds, per organisation (all time; all attempts).",
    "GPU seconds, per organisation (all time; all attempts).",
    "Bytes of videos stored now, per organisation."};

}  // namespace

void register_health_routes(HttpServer& server, ServiceContext& ctx) {
  for (std::size_t i = 0; i < kOrgGauges.size(); ++i) {
    ctx.metrics->describe(std::string(kOrgGauges[i].name), "gauge", std::string(kOrgGaugeHelp[i]));
  }
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
    // Usage per organisation, as GET /api/v1/usage counts it, over all time (one series
    // per organisation and figure: cardinality grows with the number of tenants, see
    // docs/batches.md). Gauges read from the database, so every node reports the same.
    if (auto totals = ctx.db->usage().totals(); totals) {
      // Each metric's series together, as the text format requires.
      for (const auto& [name, value] : kOrgGauges) {
        for (const auto& t : *totals) {
          gauges.emplace_back(std::string(name), Labels{{"organization", t.organization_id}},
                              value(t));
        }
      }
    }
    // Which organisations use the service, and how much, is the operator's business: an
    // anonymous scrape gets those series added up.
    static const std::set<std::string> kPrivate = {"organization"};
    res.set_content(ctx.metrics->render(gauges, is_operator(ctx.config, req) ? std::set<std::string>{} : kPrivate),
                    "text/plain; version=0.0.4");
  });
}

}  // namespace pitchreel::api
