#include "api/openapi.h"

#include <nlohmann/json.hpp>

#include "core/version.h"

namespace pitchreel::api {
namespace {

using nlohmann::json;

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json reply(const std::string& description, const std::string& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}

json errors(std::initializer_list<int> codes) {
  json out = json::object();
  for (int c : codes) out[std::to_string(c)] = reply("Error (see `code`)", "Error");
  return out;
}

json operation(const std::string& summary, json responses, bool auth = true) {
  json op = {{"summary", summary}, {"responses", std::move(responses)}};
  if (auth) op["security"] = json::array({{{"bearer", json::array()}}});
  return op;
}

json job_request_schema() {
  return {{"type", "object"},
          {"properties",
           {{"image", {{"type", "string"}, {"format", "binary"}, {"description", "product photo (multipart)"}}},
            {"imageUrl", {{"type", "string"}, {"format", "uri"}}},
            {"script", {{"type", "string"}, {"maxLength", 500}}},
            {"productName", {{"type", "string"}}},
            {"productDescription", {{"type", "string"}}},
            {"productId", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_-]{1,64}$"}}},
            {"voice", {{"type", "string"}, {"default", "en-us"},
                       {"description", "espeak:ID (or a plain espeak id), edge:ShortName, http:ID or openai:ID; see /api/v1/voices"}}},
            {"engine", {{"type", "string"}, {"enum", {"cpu", "hallo3"}},
                        {"description", "default: the server's PITCHREEL_ENGINE; hallo3 needs HALLO3_URL"}}},
            {"passthrough", {{"type", "boolean"}, {"default", false},
                             {"description", "hallo3: store the GPU server's video untouched"}}},
            {"aspect", {{"type", "string"}, {"enum", {"16:9", "9:16", "1:1"}}}},
            {"height", {{"type", "integer"}, {"enum", {720, 1080}}}},
            {"captions", {{"type", "boolean"}, {"default", true}}},
            {"title", {{"type", "boolean"}, {"default", false}}},
            {"avatar", {{"type", "string"}, {"format", "binary"}, {"description", "presenter's portrait (multipart): one frontal face"}}},
            {"avatarUrl", {{"type", "string"}, {"format", "uri"}}},
            {"layout", {{"type", "string"}, {"enum", {"presenter", "split", "pip", "showcase"}}, {"description", "default: presenter with an avatar, showcase without"}}}}}};
}

json build() {
  json schemas = {
      {"Error",
       {{"type", "object"},
        {"properties",
         {{"success", {{"type", "boolean"}}},
          {"code", {{"type", "string"}}},
          {"error", {{"type", "string"}}},
          {"requestId", {{"type", "string"}}}}}}},
      {"Video",
       {{"type", "object"},
        {"properties",
         {{"id", {{"type", "string"}}}, {"url", {{"type", "string"}}}, {"downloadUrl", {{"type", "string"}}},
          {"posterUrl", {{"type", "string"}}}, {"captionsUrl", {{"type", "string"}}},
          {"fileName", {{"type", "string"}}}, {"size", {{"type", "integer"}}},
          {"durationSec", {{"type", "number"}}}, {"width", {{"type", "integer"}}},
          {"height", {{"type", "integer"}}},
          {"gpuSeconds", {{"type", "number"}, {"description", "GPU wall time its job took"}}}}}}},
      {"Job",
       {{"type", "object"},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"status", {{"type", "string"}, {"enum", {"queued", "running", "succeeded", "failed", "canceled"}}}},
          {"stage", {{"type", "string"}}},
          {"progress", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
          {"queuePosition", {{"type", "integer"}}},
          {"attempts", {{"type", "integer"}}},
          {"gpuSeconds",
           {{"type", "number"},
            {"description", "GPU wall time over all attempts, failed ones included"}}},
          {"error", {{"type", "object"}, {"nullable", true}}},
          {"video", {{"allOf", json::array({ref("Video")})}, {"nullable", true}}}}}}},
      {"JobRequest", job_request_schema()},
      {"SeedResult",
       {{"type", "object"},
        {"properties",
         {{"success", {{"type", "boolean"}}}, {"videoUrl", {{"type", "string"}}},
          {"fileName", {{"type", "string"}}}, {"size", {{"type", "integer"}}},
          {"organizationId", {{"type", "string"}}}}}}},
  };
  json body = {{"required", true},
               {"content",
                {{"multipart/form-data", {{"schema", ref("JobRequest")}}},
                 {"application/json", {{"schema", ref("JobRequest")}}}}}};
  json paths = {
      {"/api/generate-video",
       {{"post", operation("Seed-compatible: make a video and answer when it is ready (or 202)",
                           [&] {
                             json r = errors({400, 401, 403, 413, 415, 429, 503});
                             r["200"] = reply("The video", "SeedResult");
                             r["202"] = reply("Still rendering: follow statusUrl", "Error");
                             return r;
                           }())}}},
      {"/api/v1/jobs",
       {{"post", [&] {
          json op = operation("Queue a video", [&] {
            json r = errors({400, 401, 403, 413, 415, 429, 503});
            r["202"] = reply("Queued", "Job");
            r["200"] = reply("Idempotent replay: the first job", "Job");
            return r;
          }());
          op["requestBody"] = body;
          op["parameters"] = json::array({{{"name", "Idempotency-Key"}, {"in", "header"}, {"schema", {{"type", "string"}}}}});
          return op;
        }()}}},
      {"/api/v1/jobs/{id}", {{"get", operation("A job's status, progress and video", [&] {
                                json r = errors({401, 404});
                                r["200"] = reply("The job", "Job");
                                return r;
                              }())}}},
      {"/api/v1/jobs/{id}/cancel", {{"post", operation("Cancel a job", [&] {
                                       json r = errors({401, 403, 404, 409});
                                       r["202"] = reply("Canceled or cancel requested", "Job");
                                       return r;
                                     }())}}},
      {"/api/v1/jobs/{id}/events",
       {{"get", operation("Server-sent events: the job object each time it changes",
                          {{"200", {{"description", "text/event-stream of `job` events"}}}})}}},
      {"/api/v1/videos", {{"get", operation("The organisation's videos, newest first (productId, limit, cursor)",
                                            {{"200", {{"description", "{videos: Video[], nextCursor}"}}}})}}},
      {"/api/v1/videos/{id}",
       {{"get", operation("One video", [&] {
           json r = errors({401, 404});
           r["200"] = reply("The video", "Video");
           return r;
         }())},
        {"delete", operation("Delete a video and its stored files", errors({401, 403, 404}))}}},
      {"/api/v1/voices", {{"get", operation("Voices", {{"200", {{"description", "{voices: [...]}"}}}})}}},
      {"/api/v1/voices/{id}/preview",
       {{"get", operation("A short spoken sample of a voice (audio/wav)",
                          {{"200", {{"description", "audio/wav"}}}, {"401", reply("Error", "Error")},
                           {"400", reply("voice_not_found", "Error")}})}}},
      {"/api/v1/info",
       {{"get", operation("What this server offers: version, engines, shapes, sign-in methods, features",
                          {{"200", {{"description", "{version, engine, engines, maxScriptCharacters, aspects, "
                                                    "heights, auth: {apiKey, jwt}, features}"}}}},
                          false)}}},
      {"/api/v1/me",
       {{"get", operation("Who the caller is: {userId, organizationId, role, canGenerate, canDelete}", [&] {
           json r = errors({401});
           r["200"] = {{"description", "the caller"}};
           return r;
         }())}}},
      {"/api/v1/scripts/suggest",
       {{"post", operation("Suggest a script from productName and productDescription",
                           {{"200", {{"description", "{script, characters, benefits}"}}}})}}},
      {"/files/{key}", {{"get", operation("A stored file behind a signed, expiring URL (Range supported)",
                                          {{"200", {{"description", "the file"}}},
                                           {"206", {{"description", "a byte range"}}},
                                           {"403", {{"description", "expired or invalid link"}}}},
                                          false)}}},
      {"/", {{"get", operation("The web UI (index.html; its other files beside it)",
                               {{"200", {{"description", "text/html"}}}, {"304", {{"description", "not modified (ETag)"}}}},
                               false)}}},
      {"/healthz", {{"get", operation("Liveness", {{"200", {{"description", "ok"}}}}, false)}}},
      {"/readyz", {{"get", operation("Readiness: database and storage", {{"200", {{"description", "ready"}}}, {"503", {{"description", "not ready"}}}}, false)}}},
      {"/metrics", {{"get", operation("Prometheus metrics", {{"200", {{"description", "text"}}}}, false)}}},
  };
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "pitchreel"}, {"version", kVersion},
                    {"description", "Talking product videos: queue a job, follow it, fetch the MP4."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"},
                                              {"description", "An API key (prk_...) or a Supabase JWT"}}}}}}}};
}

}  // namespace

const std::string& openapi_document() {
  static const std::string doc = build().dump(2);
  return doc;
}

}  // namespace pitchreel::api
