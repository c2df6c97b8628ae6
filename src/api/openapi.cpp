#include "api/openapi.h"
#include "api/openapi_parts.h"

#include <nlohmann/json.hpp>

#include "api/openapi_batches.h"
#include "core/output_format.h"
#include "core/version.h"
#include "render/frame_layout.h"
#include "tts/script_text.h"
#include "tts/voice_backends.h"

namespace pitchreel::api {
namespace oas {

using nlohmann::json;

// ---- schema helpers -------------------------------------------------------------------

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json str(const std::string& description) {
  json s = {{"type", "string"}};
  if (!description.empty()) s["description"] = description;
  return s;
}
json nullable(json schema) {
  // OpenAPI 3.1 (JSON Schema 2020-12): a union type instead of 3.0's `nullable`.
  if (schema.contains("$ref")) return {{"oneOf", json::array({schema, {{"type", "null"}}})}};
  schema["type"] = json::array({schema["type"], "null"});
  return schema;
}
json integer(const std::string& description) {
  json s = {{"type", "integer"}};
  if (!description.empty()) s["description"] = description;
  return s;
}
json number(const std::string& description) {
  json s = {{"type", "number"}};
  if (!description.empty()) s["description"] = description;
  return s;
}
json boolean(const std::string& description) {
  json s = {{"type", "boolean"}};
  if (!description.empty()) s["description"] = description;
  return s;
}
// A closed object: every property listed is required unless named in `optional`, and no
// other property may appear. Answers are checked against these by the conformance tests,
// so a field added to job_json without its schema here fails them.
json object(const std::string& description, json properties, std::vector<std::string> optional) {
  json required = json::array();
  for (const auto& [name, _] : properties.items()) {
    if (std::find(optional.begin(), optional.end(), name) == optional.end()) required.push_back(name);
  }
  return {{"type", "object"},
          {"description", description},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

}  // namespace oas

namespace {

using nlohmann::json;
using namespace oas;

json aspects() {
  json a = json::array();
  for (auto name : kAspectNames) a.push_back(std::string(name));
  return a;
}
json heights() {
  json h = json::array();
  for (int v : kHeights) h.push_back(v);
  return h;
}
json layouts() {
  json l = json::array();
  for (Layout layout : kLayouts) l.push_back(layout_name(layout));
  return l;
}
// The voice backends as registered (tts/voice_backends.cpp): adding one adds it here.
json backends() {
  json b = json::array();
  for (const auto& backend : voice_backends()) b.push_back(backend.prefix);
  return b;
}
json roles() { return json::array({"owner", "admin", "member"}); }
json statuses() { return json::array({"queued", "running", "succeeded", "failed", "canceled"}); }

// ---- the shapes of answers (what job_json, video_json and the routes produce) --------

constexpr const char* kExampleJobId = "5f0c1c1e-7a43-4f7e-9a51-0d6c2b8f3e21";
constexpr const char* kExampleVideoId = "a3b9e0d2-1c4f-4e8a-b7d6-2f9e8c1a0b54";
constexpr const char* kExampleUrl = "https://videos.example.com/files/org/videos/ai-generated/product-42-x.mp4?exp=1767225600&sig=...";

json video_schema() {
  json s = object(
      "A finished video. `url`, `downloadUrl`, `posterUrl` and `captionsUrl` are signed links "
      "that expire after the server's PITCHREEL_URL_EXPIRY_S, unless the store serves permanent "
      "public links (see docs/storage.md): fetch the video again for fresh ones.",
      {{"id", str()},
       {"url", str("the MP4, for a <video> element (signed; expires)")},
       {"publicUrl", nullable(str("a permanent link to the MP4 when the operator made finished videos public "
                                  "(S3_PUBLIC_BASE_URL on a bucket, PITCHREEL_PUBLIC_FILES on local storage); else null"))},
       {"downloadUrl", str("the MP4 with Content-Disposition: attachment")},
       {"posterUrl", str("a JPEG of the first frame")},
       {"captionsUrl", str("WebVTT captions")},
       {"fileName", str("the MP4's download name")},
       {"productId", nullable(str("the request's productId"))},
       {"size", integer("bytes of the MP4")},
       {"durationSec", number()},
       {"width", integer("pixels")},
       {"height", integer("pixels")},
       {"gpuSeconds", number("GPU wall time its job took (0 when rendered on the CPU)")},
       {"warnings", {{"type", "array"}, {"items", ref("Warning")},
         {"description", "what the render found and made anyway (empty when nothing)"}}},
       {"createdAt", integer("Unix time, seconds")}});
  s["examples"] = json::array({{{"id", kExampleVideoId},
                                {"url", kExampleUrl},
                                {"publicUrl", nullptr},
                                {"downloadUrl", std::string(kExampleUrl) + "&download=1"},
                                {"posterUrl", kExampleUrl},
                                {"captionsUrl", kExampleUrl},
                                {"fileName", "product-42-k3j9.mp4"},
                                {"productId", "42"},
                                {"size", 1843200},
                                {"durationSec", 12.4},
                                {"width", 1920},
                                {"height", 1080},
                                {"gpuSeconds", 0},
                                {"warnings", json::array({{{"code", "low_resolution_image"},
                                                           {"message", "The product photo is 320x240 ..."}}})},
                                {"createdAt", 1767225600}}});
  return s;
}

json job_schema() {
  json s = object(
      "A video job. Each change is also sent as a `job` event on /api/v1/jobs/{id}/events.",
      {{"id", str()},
       {"status", {{"type", "string"}, {"enum", statuses()}}},
       {"stage", str("what the worker is doing: queued, script, speech, render, upload, done...")},
       {"progress", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
       {"productId", nullable(str())},
       {"attempts", integer("runs started so far (a job is retried after a worker dies)")},
       {"gpuSeconds", number("GPU wall time over all attempts, failed ones included")},
       {"createdAt", integer("Unix time, seconds")},
       {"updatedAt", integer("Unix time, seconds")},
       {"statusUrl", str("this job's URL")},
       {"queuePosition",
        nullable(integer("queued jobs ahead of this one (0: next); null unless status is queued"))},
       {"error", nullable(ref("JobError"))},
       {"warnings", {{"type", "array"}, {"items", ref("Warning")},
                     {"description", "the video's warnings once it has succeeded (empty before)"}}},
       {"video", nullable(ref("Video"))}});
  s["properties"]["queuePosition"]["minimum"] = 0;
  s["examples"] = json::array({{{"id", kExampleJobId},
                                {"status", "running"},
                                {"stage", "render"},
                                {"progress", 0.42},
                                {"productId", "42"},
                                {"attempts", 1},
                                {"gpuSeconds", 0},
                                {"createdAt", 1767225600},
                                {"updatedAt", 1767225604},
                                {"statusUrl", std::string("https://videos.example.com/api/v1/jobs/") + kExampleJobId},
                                {"queuePosition", nullptr},
                                {"error", nullptr},
                                {"warnings", json::array()},
                                {"video", nullptr}}});
  return s;
}

json error_schema() {
  json s = object(
      "Every error answer. `code` is stable (switch on it); `error` is a sentence for people "
      "that says what was wrong and what to do. Internal errors carry only `requestId` to "
      "quote. 429 answers carry a Retry-After header.",
      {{"success", {{"const", false}}},
       {"code", str("e.g. unauthorized, forbidden, not_found, script_too_long, script_missing, "
                    "image_missing, image_unreadable, image_too_large, image_not_base64, "
                    "invalid_aspect, invalid_height, invalid_layout, avatar_missing, "
                    "music_unreadable, music_empty, music_too_long, music_not_base64, "
                    "music_url_invalid, music_url_forbidden, music_url_too_large, "
                    "voice_not_found, invalid_product_id, unsupported_media_type, invalid_json, "
                    "body_too_large, rate_limited, queue_full, job_not_cancelable, "
                    "link_expired, internal_error")},
       {"error", str()},
       {"requestId", str("quote it when reporting a problem")},
       {"jobId", str("the job, when the error is the outcome of one (seed endpoint)")}},
      {"requestId", "jobId"});
  s["examples"] = json::array({{{"success", false},
                                {"code", "script_too_long"},
                                {"error", "The script has 612 characters; the limit is 500."},
                                {"requestId", "r-1f2e3d"}}});
  return s;
}

json job_request_properties(bool multipart) {
  json binary = {{"type", "string"}, {"contentMediaType", "application/octet-stream"}};
  json encoded = {{"type", "string"},
                  {"contentEncoding", "base64"},
                  {"description", "base64, or a data: URL (data:image/png;base64,...)"}};
  json image = multipart ? binary : encoded;
  image["description"] = std::string("the product photo (JPEG, PNG or WebP)") +
                         (multipart ? "" : ": base64, or a data: URL (data:image/png;base64,...)");
  json avatar = multipart ? binary : encoded;
  avatar["description"] = std::string("the presenter's portrait: one frontal face") +
                          (multipart ? "" : "; base64 or a data: URL");
  json music = multipart ? binary : encoded;
  music["description"] =
      std::string("background music (MP3, AAC, Ogg, Opus, FLAC or WAV; at most 10 minutes): "
                  "looped or trimmed to the video, ducked under the voice, faded out at the end") +
      (multipart ? "" : "; base64 or a data: URL (data:audio/mpeg;base64,...)");
  // Multipart fields are text: booleans and numbers arrive as "true" / "720".
  json flag = multipart ? json{{"type", "string"}, {"enum", {"true", "false", "1", "0"}}} : json{{"type", "boolean"}};
  json height = multipart ? json{{"type", "string"}, {"enum", json::array({"720", "1080"})}}
                          : json{{"type", "integer"}, {"enum", heights()}};
  height["default"] = multipart ? json(std::to_string(kDefaultHeight)) : json(kDefaultHeight);
  return {{"image", image},
          {"imageUrl", {{"type", "string"}, {"format", "uri"}, {"description", "instead of image: fetched by the server"}}},
          {"script", {{"type", "string"}, {"maxLength", kMaxScriptChars},
                      {"description", "what the voice says; leave it out to get one suggested from productName and productDescription"}}},
          {"productName", str()},
          {"productDescription", str()},
          {"productId", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_-]{1,64}$"}}},
          {"voice", {{"type", "string"},
                     {"description", "an id from GET /api/v1/voices (espeak:ID or a plain espeak id, edge:ShortName, http:ID, openai:ID); left out, a voice that speaks the script's language"}}},
          {"engine", {{"type", "string"}, {"enum", {"cpu", "hallo3"}},
                      {"description", "default: the server's PITCHREEL_ENGINE; hallo3 needs HALLO3_URL"}}},
          {"passthrough", flag},
          {"aspect", {{"type", "string"}, {"enum", aspects()}, {"default", std::string(kDefaultAspect)}}},
          {"height", height},
          {"captions", flag},
          {"title", flag},
          {"avatar", avatar},
          {"avatarUrl", {{"type", "string"}, {"format", "uri"}}},
          {"music", music},
          {"musicUrl", {{"type", "string"}, {"format", "uri"},
                        {"description", "instead of music: fetched by the server, like imageUrl"}}},
          {"layout", {{"type", "string"}, {"enum", layouts()},
                      {"description", "default: presenter with an avatar, showcase without; every layout but showcase needs an avatar"}}}};
}

json job_request_schema(bool multipart) {
  json s = {{"type", "object"},
            {"description", multipart ? "A job as multipart/form-data (files as parts)"
                                      : "A job as JSON (files as base64 or data: URLs, or as URLs)"},
            {"properties", job_request_properties(multipart)}};
  if (!multipart) {
    s["examples"] = json::array({{{"imageUrl", "https://shop.example.com/images/42.jpg"},
                                  {"script", "Meet the Aurora lamp. Warm light, all night."},
                                  {"productId", "42"},
                                  {"aspect", "9:16"},
                                  {"height", 720}}});
  }
  return s;
}

json schemas() {
  return {
      {"Error", error_schema()},
      {"JobError", object("Why a job failed", {{"code", str()}, {"message", str()}})},
      {"Warning",
       object("Something the render found about the inputs and made the video anyway",
              {{"code", {{"type", "string"},
                         {"description", "stable: low_resolution_image, extreme_aspect_ratio, "
                                         "small_face, avatar_unused, tts_fallback"}}},
               {"message", str("what was found and what to do")}})},
      {"Video", video_schema()},
      {"Job", job_schema()},
      {"JobRequestMultipart", job_request_schema(true)},
      {"JobRequestJson", job_request_schema(false)},
      {"VideoPage", object("One page of videos, newest first",
                           {{"videos", {{"type", "array"}, {"items", ref("Video")}}},
                            {"nextCursor", nullable(str("pass as ?cursor= for the next page; null on the last"))}})},
      {"Deleted", object("The video and its files are gone", {{"success", {{"const", true}}}, {"id", str()}})},
      {"Voice", object("A voice",
                       {{"id", str("pass as `voice`")},
                        {"backend", {{"type", "string"}, {"enum", backends()}}},
                        {"language", str("ISO 639 code, e.g. en; empty when unknown")},
                        {"locale", str("BCP-47 tag, e.g. en-US; empty when unknown")},
                        {"gender", str()},
                        {"name", str()}})},
      {"VoiceList", object("The voices this server can speak with",
                           {{"voices", {{"type", "array"}, {"items", ref("Voice")}}},
                            {"notes", {{"type", "array"}, {"items", str()},
                                       {"description", "why some backend's voices are missing (e.g. a service that could not be reached)"}}}},
                           {"notes"})},
      {"ScriptRequest", {{"type", "object"},
                         {"properties", {{"productName", str()}, {"productDescription", str()}}},
                         {"required", {"productName"}}}},
      {"ScriptSuggestion",
       object("A suggested script",
              {{"script", {{"type", "string"}, {"maxLength", kMaxScriptChars}}},
               {"characters", {{"type", "integer"}, {"maximum", kMaxScriptChars}}},
               {"benefits", {{"type", "array"}, {"items", str()}, {"description", "the description's sentences it quotes"}}}})},
      {"Info",
       object("What this server offers; the UI and clients draw their controls from it",
              {{"version", str()},
               {"engine", str("the default engine")},
               {"engines", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"cpu", "hallo3"}}}}}},
               {"maxScriptCharacters", {{"const", kMaxScriptChars}}},
               {"aspects", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", aspects()}}}}},
               {"heights", {{"type", "array"}, {"items", {{"type", "integer"}, {"enum", heights()}}}}},
               {"auth", object("sign-in methods", {{"apiKey", boolean()}, {"jwt", boolean()}})},
               {"features", object("optional features",
                                   {{"voicePreview", boolean()},
                                    {"presenter", boolean()},
                                    {"layouts", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", layouts()}}}}}})}})},
      {"Me", object("Who the caller is and what they may do",
                    {{"userId", str()},
                     {"organizationId", str()},
                     {"role", {{"type", "string"}, {"enum", roles()}}},
                     {"canGenerate", boolean()},
                     {"canDelete", boolean()}})},
      {"SeedResult",
       object("The seed's answer, plus jobId and posterUrl",
              {{"success", {{"const", true}}},
               {"videoUrl", str("Video.publicUrl when the store offers permanent links, else Video.url (expires)")},
               {"fileName", str()},
               {"size", integer()},
               {"organizationId", str()},
               {"jobId", str()},
               {"posterUrl", str()}})},
      {"SeedPending",
       object("The video was not ready within PITCHREEL_SEED_WAIT_S: the job carries on; follow statusUrl",
              {{"success", {{"const", false}}},
               {"pending", {{"const", true}}},
               {"jobId", str()},
               {"statusUrl", str()},
               {"error", str()}})},
      {"Health", object("Liveness", {{"status", {{"const", "ok"}}}, {"version", str()}})},
      {"Ready", object("Readiness: each check is \"ok\" or what is wrong",
                       {{"ready", boolean()},
                        {"checks", {{"type", "object"}, {"additionalProperties", str()}}}})},
  };
}

}  // namespace

// ---- operations -----------------------------------------------------------------------

namespace oas {

json json_reply(const std::string& description, const std::string& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}

json error_reply(const std::string& codes) {
  return json_reply("Error: " + codes, "Error");
}

// The error answers an operation can give, with the codes each status carries.
json errors(std::initializer_list<int> statuses) {
  json out = json::object();
  for (int s : statuses) {
    switch (s) {
      case 400: out["400"] = error_reply("a field is missing or wrong (see code)"); break;
      case 401: out["401"] = error_reply("unauthorized: no, unknown or expired credentials"); break;
      case 403: out["403"] = error_reply("forbidden: the role may not do this (owner or admin needed)"); break;
      case 404: out["404"] = error_reply("not_found (also for other organisations' objects)"); break;
      case 409: out["409"] = error_reply("job_not_cancelable or canceled"); break;
      case 413: out["413"] = error_reply("body_too_large, image_too_large"); break;
      case 415: out["415"] = error_reply("unsupported_media_type, image_unreadable"); break;
      case 429: {
        json r = error_reply("rate_limited");
        r["headers"] = {{"Retry-After", {{"description", "seconds to wait"}, {"schema", integer()}}}};
        out["429"] = r;
        break;
      }
      case 500: out["500"] = error_reply("internal_error (quote requestId), or the job's failure"); break;
      case 502: out["502"] = error_reply("a backend (image URL, GPU, storage) failed"); break;
      case 503: out["503"] = error_reply("queue_full, database_busy"); break;
      case 504: out["504"] = error_reply("a backend timed out"); break;
    }
  }
  return out;
}

json secured() { return json::array({{{"apiKey", json::array()}}, {{"supabaseJwt", json::array()}}}); }

json operation(const std::string& id, const std::string& tag, const std::string& summary, json responses,
               bool auth) {
  json op = {{"operationId", id}, {"tags", {tag}}, {"summary", summary}, {"responses", std::move(responses)}};
  op["security"] = auth ? secured() : json::array();
  return op;
}

json with(json base, std::initializer_list<std::pair<const std::string, json>> more) {
  for (const auto& [k, v] : more) base[k] = v;
  return base;
}

json id_param(const std::string& what) {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"description", what},
          {"schema", {{"type", "string"}, {"pattern", "^[0-9a-fA-F-]{1,64}$"}}}};
}

}  // namespace oas

namespace {

json job_request_body() {
  return {{"required", true},
          {"content",
           {{"multipart/form-data", {{"schema", ref("JobRequestMultipart")}}},
            {"application/json", {{"schema", ref("JobRequestJson")}}}}}};
}

json paths() {
  json location = {{"Location", {{"description", "the job's URL"}, {"schema", str()}}}};
  json create_job = operation("createJob", "jobs", "Queue a video",
                              with(errors({400, 401, 403, 413, 415, 429, 502, 503, 504}),
                                   {{"202", with(json_reply("Queued", "Job"), {{"headers", location}})},
                                    {"200", json_reply("Idempotent replay: the job the first request made", "Job")}}));
  create_job["requestBody"] = job_request_body();
  create_job["parameters"] = json::array(
      {{{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
        {"description", "a retry with the same key gets the first job back (200) instead of a second video"},
        {"schema", str()}}});

  json seed = operation(
      "generateVideoSeed", "seed",
      "Seed-compatible: make a video and answer when it is ready, or 202 with the job to follow",
      with(errors({400, 401, 403, 413, 415, 429, 502, 503, 504}),
           {{"200", json_reply("The video is ready", "SeedResult")},
            {"202", with(json_reply("Still rendering after PITCHREEL_SEED_WAIT_S: follow statusUrl", "SeedPending"),
                         {{"headers", location}})},
            {"409", error_reply("canceled: the job was canceled while waiting")},
            {"500", error_reply("the job failed (code and jobId say why), or internal_error")}}));
  seed["requestBody"] = job_request_body();

  json events = operation(
      "jobEvents", "jobs",
      "Server-sent events: a `job` event with the Job each time it changes (a change of updatedAt alone is not sent); the stream ends once the job has finished",
      with(errors({401, 404}),
           {{"200",
             {{"description",
               "text/event-stream. Each event is `event: job` with `data:` one Job as JSON (see "
               "x-event-data). Comment lines (`:`) keep the connection alive. Reconnect on a "
               "dropped stream; the first event is the job as it is now. The credential is "
               "checked again every few seconds: once it is revoked (or the user deleted) the "
               "stream sends `event: error` with an Error as data and ends."},
              {"content",
               {{"text/event-stream",
                 {{"schema", {{"type", "string"}}},
                  {"x-event-name", "job"},
                  {"x-event-data", ref("Job")},
                  {"example", std::string("event: job\ndata: {\"id\":\"") + kExampleJobId +
                                  "\",\"status\":\"running\",...}\n\n"}}}}}}}}));
  events["parameters"] = json::array({id_param("the job's id")});

  json list_videos = operation("listVideos", "videos", "The organisation's videos, newest first",
                               with(errors({400, 401}), {{"200", json_reply("A page", "VideoPage")}}));
  list_videos["parameters"] = json::array(
      {{{"name", "productId"}, {"in", "query"}, {"required", false}, {"schema", str()}, {"description", "only this product's videos"}},
       {{"name", "limit"}, {"in", "query"}, {"required", false},
        {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}}},
       {{"name", "cursor"}, {"in", "query"}, {"required", false}, {"schema", str()}, {"description", "nextCursor of the previous page"}}});

  json suggest = operation("suggestScript", "scripts", "Suggest a script from productName and productDescription",
                           with(errors({400, 401}), {{"200", json_reply("The suggestion", "ScriptSuggestion")}}));
  suggest["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", ref("ScriptRequest")}}}}}};

  json preview = operation("voicePreview", "voices", "A short spoken sample of a voice",
                           with(errors({400, 401}),
                                {{"200", {{"description", "WAV audio"},
                                          {"content", {{"audio/wav", {{"schema", {{"type", "string"}, {"contentMediaType", "audio/wav"}}}}}}}}}}));
  preview["parameters"] = json::array({{{"name", "id"}, {"in", "path"}, {"required", true},
                                        {"schema", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_.:+-]{1,80}$"}}}}});

  json file = operation("getFile", "files", "A stored file behind a signed link (Range supported)",
                        {{"200", {{"description", "the file"}}},
                         {"206", {{"description", "a byte range"}}},
                         {"403", error_reply("link_expired: the link has expired or was altered")},
                         {"404", error_reply("not_found")},
                         {"416", error_reply("range_not_satisfiable")}},
                        false);
  json public_file = operation("getPublicFile", "files",
                               "A finished video's file behind a permanent link (PITCHREEL_PUBLIC_FILES, local storage)",
                               {{"200", {{"description", "the file"}}},
                                {"206", {{"description", "a byte range"}}},
                                {"404", error_reply("not_found: no such file, or permanent links are off")},
                                {"416", error_reply("range_not_satisfiable")}},
                               false);
  file["parameters"] = json::array({{{"name", "key"}, {"in", "path"}, {"required", true},
                                     {"description", "the object key (slashes included)"}, {"schema", str()}}});
  public_file["parameters"] = file["parameters"];

  auto job_op = [&](const std::string& id, const std::string& summary, json responses) {
    json op = operation(id, "jobs", summary, std::move(responses));
    op["parameters"] = json::array({id_param("the job's id")});
    return op;
  };
  auto video_op = [&](const std::string& id, const std::string& summary, json responses) {
    json op = operation(id, "videos", summary, std::move(responses));
    op["parameters"] = json::array({id_param("the video's id")});
    return op;
  };

  return {
      {"/api/generate-video", {{"post", seed}}},
      {"/api/v1/jobs", {{"post", create_job}}},
      {"/api/v1/jobs/{id}", {{"get", job_op("getJob", "A job's status, progress and video",
                                            with(errors({401, 404}), {{"200", json_reply("The job", "Job")}}))}}},
      {"/api/v1/jobs/{id}/cancel",
       {{"post", job_op("cancelJob", "Cancel a queued or running job",
                        with(errors({401, 403, 404}),
                             {{"202", json_reply("Canceled, or cancel requested (a running job stops at its next stage)", "Job")},
                              {"409", json_reply("The job had already finished: it is answered as it is", "Job")}}))}}},
      {"/api/v1/jobs/{id}/events", {{"get", events}}},
      {"/api/v1/videos", {{"get", list_videos}}},
      {"/api/v1/videos/{id}",
       {{"get", video_op("getVideo", "One video, with freshly signed links",
                         with(errors({401, 404}), {{"200", json_reply("The video", "Video")}}))},
        {"delete", video_op("deleteVideo", "Delete a video and its stored files",
                            with(errors({401, 403, 404}), {{"200", json_reply("Deleted", "Deleted")}}))}}},
      {"/api/v1/voices", {{"get", [&] {
         json op = operation("listVoices", "voices", "The voices this server offers",
                             with(errors({401}), {{"200", json_reply("The voices", "VoiceList")}}));
         op["parameters"] = json::array({{{"name", "language"}, {"in", "query"}, {"required", false},
                                          {"description", "only voices for this language (\"de\") or locale (\"pt-BR\")"},
                                          {"schema", str()}}});
         return op;
       }()}}},
      {"/api/v1/voices/{id}/preview", {{"get", preview}}},
      {"/api/v1/scripts/suggest", {{"post", suggest}}},
      {"/api/v1/info", {{"get", operation("getInfo", "server", "What this server offers (no sign-in needed)",
                                          {{"200", json_reply("Capabilities", "Info")}}, false)}}},
      {"/api/v1/me", {{"get", operation("getMe", "server", "Who the caller is",
                                        with(errors({401}), {{"200", json_reply("The caller", "Me")}}))}}},
      {"/api/v1/openapi.json",
       {{"get", operation("getOpenApi", "server", "This document",
                          {{"200", {{"description", "OpenAPI 3.1"},
                                    {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}},
                          false)}}},
      {"/files/{key}", {{"get", file}}},
      {"/public/{key}", {{"get", public_file}}},
      {"/healthz", {{"get", operation("getHealth", "server", "Liveness", {{"200", json_reply("Alive", "Health")}}, false)}}},
      {"/readyz", {{"get", [&] {
         json op = operation("getReady", "server",
                             "Readiness: database and storage (?deep=1: every backend, with the operator token "
                             "PITCHREEL_OPERATOR_TOKEN as a bearer token)",
                             {{"200", json_reply("Ready", "Ready")},
                              {"503", json_reply("Not ready", "Ready")},
                              {"401", error_reply("operator_token_required: deep=1 without the operator token")},
                              {"403", error_reply("operator_access_off: deep=1 on a server without an operator token")}},
                             false);
         op["parameters"] = json::array({{{"name", "deep"}, {"in", "query"}, {"required", false},
                                          {"description", "run every backend's check (operators only)"},
                                          {"schema", str()}}});
         return op;
       }()}}},
      {"/metrics", {{"get", operation("getMetrics", "server",
                                      "Prometheus metrics (series by organisation only with the operator token)",
                                      {{"200", {{"description", "Prometheus text format"},
                                                {"content", {{"text/plain", {{"schema", str()}}}}}}}},
                                      false)}}},
  };
}

json build() {
  json doc = {{"openapi", "3.1.0"},
          {"info",
           {{"title", "pitchreel"},
            {"version", kVersion},
            {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-pitchreel"}}},
            {"description",
             "Talking product videos: queue a job, follow it, fetch the MP4. Every error is an "
             "Error object with a stable code."}}},
          {"servers", json::array({{{"url", "/"}, {"description", "this server"}}})},
          {"tags", json::array({{{"name", "jobs"}, {"description", "Queue videos and follow them"}},
                                {{"name", "videos"}, {"description", "Finished videos"}},
                                {{"name", "voices"}, {"description", "Voices and their samples"}},
                                {{"name", "scripts"}, {"description", "Script suggestions"}},
                                {{"name", "seed"}, {"description", "The seed system's endpoint, kept exactly"}},
                                {{"name", "files"}, {"description", "Stored files behind signed links"}},
                                {{"name", "server"}, {"description", "Capabilities, identity, health"}}})},
          {"paths", paths()},
          {"components",
           {{"schemas", schemas()},
            {"securitySchemes",
             {{"apiKey", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "prk_..."},
                          {"description", "An API key made by `pitchreel admin create-key` (prk_ and 40 characters)"}}},
              {"supabaseJwt", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"},
                               {"description", "A Supabase access token (HS256 with SUPABASE_JWT_SECRET, or RS256/ES256 via JWKS); "
                                               "the user's profile gives the organisation and role"}}}}}}}};
  add_webhook_api(doc);
  return doc;
}

}  // namespace

const std::string& openapi_document() {
  static const std::string doc = [] {
    json d = build();
    add_batch_and_usage_openapi(d);
    return d.dump(2);
  }();
  return doc;
}

}  // namespace pitchreel::api
