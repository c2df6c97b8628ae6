// The service's routes, one file per area. register_routes() wires them all.
#pragma once

#include "api/http_server.h"
#include "api/service_context.h"

namespace pitchreel::api {

void register_routes(HttpServer& server, ServiceContext& ctx);

void register_health_routes(HttpServer& server, ServiceContext& ctx);  // /healthz /readyz /metrics
void register_job_routes(HttpServer& server, ServiceContext& ctx);     // /api/v1/jobs...
void register_video_routes(HttpServer& server, ServiceContext& ctx);   // /api/v1/videos...
void register_batch_routes(HttpServer& server, ServiceContext& ctx);   // /api/v1/batches...
void register_usage_routes(HttpServer& server, ServiceContext& ctx);   // /api/v1/usage
void register_seed_routes(HttpServer& server, ServiceContext& ctx);    // /api/generate-video
void register_misc_routes(HttpServer& server, ServiceContext& ctx);    // voices, scripts, info, me, openapi
void register_webhook_routes(HttpServer& server, ServiceContext& ctx);  // /api/v1/webhooks...
void register_web_routes(HttpServer& server);                          // the web UI at /

// The caller, from the Authorization header (401 unless valid).
Result<Principal> authenticate(const ServiceContext& ctx, const http::Request& req);

}  // namespace pitchreel::api
