// GET /api/v1/voices, POST /api/v1/scripts/suggest, GET /api/v1/info and the OpenAPI
// document at /api/v1/openapi.json.
#include "api/openapi.h"
#include "api/routes.h"
#include "core/utf8.h"
#include "core/version.h"
#include "script/script_writer.h"
#include "tts/voice_registry.h"

namespace pitchreel::api {

void register_misc_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/api/v1/voices", [&ctx](const httplib::Request& req, httplib::Response&) -> Result<JsonReply> {
    if (auto who = authenticate(ctx, req); !who) return fail(who.error());
    auto voices = make_voice_registry(ctx.config)->voices();
    if (!voices) return fail(voices.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : *voices) {
      list.push_back({{"id", v.id},
                      {"backend", parse_voice(v.id).backend},
                      {"language", v.language},
                      {"gender", v.gender},
                      {"name", v.name}});
    }
    return JsonReply{200, {{"voices", list}}};
  });

  server.post("/api/v1/scripts/suggest", [&ctx](const httplib::Request& req, httplib::Response&) -> Result<JsonReply> {
    if (auto who = authenticate(ctx, req); !who) return fail(who.error());
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return fail(Error::invalid("invalid_json", "Send {\"productName\": ..., \"productDescription\": ...}."));
    }
    auto suggestion = suggest_script(body.value("productName", ""), body.value("productDescription", ""));
    if (!suggestion) return fail(suggestion.error());
    return JsonReply{200, {{"script", suggestion->script},
                           {"characters", utf8::length(suggestion->script)},
                           {"benefits", suggestion->benefits}}};
  });

  server.get("/api/v1/info", [&ctx](const httplib::Request&, httplib::Response&) -> Result<JsonReply> {
    nlohmann::json engines = {"cpu"};
    if (!ctx.config.hallo3_url.empty()) engines.push_back("hallo3");
    return JsonReply{200, {{"version", kVersion},
                           {"engine", ctx.engine},
                           {"engines", engines},
                           {"maxScriptCharacters", 500}}};
  });

  server.raw().Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi_document(), "application/json");
  });
}

}  // namespace pitchreel::api
