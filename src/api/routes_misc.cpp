// GET /api/v1/voices (and a spoken preview of each), POST /api/v1/scripts/suggest,
// GET /api/v1/info (what this server offers, no sign-in needed), GET /api/v1/me (who the
// caller is and what they may do) and the OpenAPI document at /api/v1/openapi.json.
#include "api/openapi.h"
#include "api/routes.h"
#include "api/voice_preview.h"
#include "core/model.h"
#include "core/utf8.h"
#include "core/version.h"
#include "render/frame_layout.h"
#include "script/script_writer.h"
#include "tts/voice_registry.h"

namespace pitchreel::api {

void register_misc_routes(HttpServer& server, ServiceContext& ctx) {
  server.get("/api/v1/voices", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
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

  // Voice ids carry their backend ("espeak:en-us", "openai:alloy"); any configured
  // backend's voice can be previewed.
  server.raw().Get(R"(/api/v1/voices/([A-Za-z0-9_.:+-]{1,80})/preview)", [&ctx](const http::Request& req, http::Response& res) {
    if (auto who = authenticate(ctx, req); !who) return send_error(res, who.error());
    auto voices = make_voice_registry(ctx.config);
    auto wav = voice_preview_wav(*voices, req.matches[1].str());
    if (!wav) return send_error(res, wav.error());
    res.set_header("Cache-Control", "private, max-age=86400");
    res.set_content(*wav, "audio/wav");
  });

  server.post("/api/v1/scripts/suggest", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
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

  // The UI renders a control only when the server lists what it needs here, so features
  // still being built are absent rather than broken.
  server.get("/api/v1/info", [&ctx](const http::Request&, http::Response&) -> Result<JsonReply> {
    const bool jwt = !ctx.config.jwt_secret.empty() || !ctx.config.jwks_file.empty() ||
                     !ctx.config.jwks_url.empty();
    // The presenter's layouts; showcase (the product alone) is what a job without a portrait gets.
    nlohmann::json layouts = nlohmann::json::array();
    for (const Layout l : {Layout::kPresenter, Layout::kSplit, Layout::kPip, Layout::kShowcase}) {
      layouts.push_back(layout_name(l));
    }
    nlohmann::json engines = {"cpu"};
    if (!ctx.config.hallo3_url.empty()) engines.push_back("hallo3");
    return JsonReply{200,
                     {{"version", kVersion},
                      {"engine", ctx.engine},
                      {"engines", engines},
                      {"maxScriptCharacters", 500},
                      {"aspects", {"16:9", "9:16", "1:1"}},
                      {"heights", {720, 1080}},
                      {"auth", {{"apiKey", true}, {"jwt", jwt}}},
                      {"features", {{"voicePreview", true}, {"presenter", true}, {"layouts", layouts}}}}};
  });

  server.get("/api/v1/me", [&ctx](const http::Request& req, http::Response&) -> Result<JsonReply> {
    auto who = authenticate(ctx, req);
    if (!who) return fail(who.error());
    const bool manage = can_generate(who->role);
    return JsonReply{200, {{"userId", who->user_id},
                           {"organizationId", who->organization_id},
                           {"role", std::string(to_string(who->role))},
                           {"canGenerate", manage},
                           {"canDelete", manage}}};
  });

  server.raw().Get("/api/v1/openapi.json", [](const http::Request&, http::Response& res) {
    res.set_content(openapi_document(), "application/json");
  });
}

}  // namespace pitchreel::api
