#include "api/routes.h"

#include "api/routes_files.h"

namespace pitchreel::api {

Result<Principal> authenticate(const ServiceContext& ctx, const http::Request& req) {
  return ctx.auth->authenticate(req.get_header_value("Authorization"));
}

void register_routes(HttpServer& server, ServiceContext& ctx) {
  register_health_routes(server, ctx);
  register_job_routes(server, ctx);
  register_video_routes(server, ctx);
  register_batch_routes(server, ctx);
  register_usage_routes(server, ctx);
  register_seed_routes(server, ctx);
  register_misc_routes(server, ctx);
  register_webhook_routes(server, ctx);
  register_file_routes(server, *ctx.store, *ctx.signer, ctx.config.public_files);
  register_web_routes(server);
}

}  // namespace pitchreel::api
