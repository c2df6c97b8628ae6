#include "api/openapi_batches.h"

#include <string>
#include <vector>

namespace pitchreel::api {
namespace {

using nlohmann::json;

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json typed(const char* type, const std::string& description = {}) {
  json s = {{"type", type}};
  if (!description.empty()) s["description"] = description;
  return s;
}
json str(const std::string& d = {}) { return typed("string", d); }
json integer(const std::string& d = {}) { return typed("integer", d); }
json number(const std::string& d = {}) { return typed("number", d); }
json nullable(json s) {
  if (s.contains("$ref")) return {{"oneOf", json::array({s, {{"type", "null"}}})}};
  s["type"] = json::array({s["type"], "null"});
  return s;
}
// A closed object, as openapi.cpp's: every property required unless named optional.
json object(const std::string& description, json properties, std::vector<std::string> optional = {}) {
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
json reply(const std::string& description, const std::string& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", ref(schema)}}}}}};
}
json error(const std::string& codes) { return reply("Error: " + codes, "Error"); }
json secured() { return json::array({{{"apiKey", json::array()}}, {{"supabaseJwt", json::array()}}}); }
json op(const std::string& id, const std::string& tag, const std::string& summary, json responses) {
  return {{"operationId", id}, {"tags", {tag}}, {"summary", summary},
          {"responses", std::move(responses)}, {"security", secured()}};
}
json id_param() {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"description", "the batch's id"},
          {"schema", {{"type", "string"}, {"pattern", "^[0-9a-fA-F-]{1,64}$"}}}};
}
json query(const std::string& name, json schema, const std::string& description) {
  return {{"name", name}, {"in", "query"}, {"required", false}, {"schema", std::move(schema)},
          {"description", description}};
}

// The fields of one item (and, but for the product's own, of `defaults`).
json item_fields(bool defaults) {
  json p = {{"voice", str("a voice id (GET /api/v1/voices)")},
            {"aspect", {{"type", "string"}, {"enum", {"16:9", "9:16", "1:1"}}}},
            {"height", {{"type", {"string", "integer"}}, {"description", "720 or 1080"}}},
            {"layout", str("presenter, split, pip or showcase")},
            {"avatarUrl", str("https address of the presenter's portrait (fetched when the item runs)")},
            {"captions", {{"type", {"boolean", "string"}}}},
            {"title", {{"type", {"boolean", "string"}}}},
            {"engine", str("cpu or hallo3")}};
  if (!defaults) {
    p["productId"] = str();
    p["productName"] = str();
    p["productDescription"] = str();
    p["imageUrl"] = str("https address of the product's photo, fetched when the item runs: a "
                        "fetch failure fails only this item");
    p["script"] = str("the narration; without it one is suggested from name and description");
  }
  return {{"type", "object"},
          {"description", defaults ? "Values for every item that does not set its own"
                                   : "One product. Unknown fields are ignored (listed by dryRun)."},
          {"properties", p},
          {"additionalProperties", true}};
}

json counts_schema() {
  json p = json::object();
  for (const char* s : {"queued", "running", "succeeded", "failed", "canceled"}) p[s] = integer();
  return object("Items per job status", p);
}

json batch_schema() {
  return object(
      "A catalogue batch. Each item is an ordinary job (it appears under jobs and videos with "
      "its batchId). `status` becomes completed in the transaction in which the last item "
      "reaches a final state.",
      {{"id", str()},
       {"status", {{"type", "string"}, {"enum", {"running", "completed"}}}},
       {"cancelRequested", typed("boolean")},
       {"itemCount", integer()},
       {"counts", ref("BatchCounts")},
       {"progress", {{"type", "number"}, {"minimum", 0}, {"maximum", 1},
                     {"description", "finished items / itemCount"}}},
       {"defaults", {{"type", "object"}, {"additionalProperties", str()}}},
       {"createdAt", integer("Unix time, seconds")},
       {"completedAt", nullable(integer("Unix time, seconds; null until completed"))},
       {"statusUrl", str()},
       {"eventsUrl", str()},
       {"items", {{"type", "array"},
                  {"description", "GET /api/v1/batches/{id} only: each item's row and job (with its video)"},
                  {"items", ref("BatchItem")}}}},
      {"items"});
}

json period_schema(bool total) {
  json p = {{"videos", integer("jobs that succeeded")},
            {"failed", integer("jobs that failed for good")},
            {"canceled", integer()},
            {"videoSeconds", number("duration of the videos made")},
            {"cpuSeconds", number("render CPU time (user + system), all attempts")},
            {"gpuSeconds", number("GPU wall time, all attempts")},
            {"cost", ref("UsageCost")}};
  std::vector<std::string> optional = {"cost"};
  if (!total) {
    p["period"] = str("YYYY-MM-DD or YYYY-MM (UTC)");
    p["start"] = integer("Unix time of the period's start");
  }
  return object(total ? "The whole range" : "One day or month (only those with finished jobs)", p,
                optional);
}

}  // namespace

void add_batch_and_usage_openapi(json& doc) {
  json& schemas = doc["components"]["schemas"];
  // Job and Video carry their batch and CPU time.
  for (const char* name : {"Job", "Video"}) {
    json& s = schemas[name];
    s["properties"]["batchId"] = nullable(str("the batch it belongs to; null for a single job"));
    s["properties"]["cpuSeconds"] = number("render CPU time (user + system) over all attempts");
    s["required"].push_back("batchId");
    s["required"].push_back("cpuSeconds");
    for (auto& example : s["examples"]) {
      example["batchId"] = nullptr;
      example["cpuSeconds"] = 3.2;
    }
  }
  schemas["BatchItemFields"] = item_fields(false);
  schemas["BatchDefaults"] = item_fields(true);
  schemas["BatchRequest"] = object(
      "A batch as JSON: up to 1,000 items",
      {{"defaults", ref("BatchDefaults")},
       {"items", {{"type", "array"}, {"minItems", 1}, {"maxItems", 1000}, {"items", ref("BatchItemFields")}}}},
      {"defaults"});
  schemas["BatchCsvUpload"] = {
      {"type", "object"},
      {"description", "A batch as a CSV file: a header row naming the item fields (any case; "
                      "spaces, _ and - ignored), one row per product. Other parts named like "
                      "default fields (voice, aspect, ...) apply to every row."},
      {"properties", {{"file", {{"type", "string"}, {"contentMediaType", "text/csv"}}}}},
      {"required", {"file"}},
      {"additionalProperties", str()}};
  schemas["BatchProblem"] = object(
      "One problem of one item",
      {{"row", integer("CSV: the line as a spreadsheet numbers it (header = 1); JSON: the item's "
                       "1-based index; 0: the batch as a whole")},
       {"field", nullable(str("the field, or null for the row as a whole"))},
       {"code", str("stable, e.g. image_missing, script_too_long, invalid_height, image_url_invalid")},
       {"message", str()}});
  schemas["BatchInvalid"] = object(
      "The batch was refused as a whole (code batch_invalid): nothing was created",
      {{"success", {{"const", false}}},
       {"code", {{"const", "batch_invalid"}}},
       {"error", str()},
       {"problems", {{"type", "array"}, {"items", ref("BatchProblem")}}},
       {"requestId", str()}});
  schemas["BatchValidation"] = object(
      "?dryRun=true: what the batch would give; nothing is created",
      {{"valid", typed("boolean")},
       {"rows", integer("rows read")},
       {"itemCount", integer("rows without problems")},
       {"problems", {{"type", "array"}, {"items", ref("BatchProblem")}}},
       {"ignoredFields", {{"type", "array"}, {"items", str()}}}});
  schemas["QuotaExceeded"] = object(
      "The batch does not fit the organisation's daily quota (code quota_exceeded); nothing "
      "was created. Retry-After is set when the whole batch will fit later.",
      {{"success", {{"const", false}}},
       {"code", {{"const", "quota_exceeded"}}},
       {"error", str()},
       {"limit", integer("videos per 24 h")},
       {"used", integer("videos counted in the last 24 h")},
       {"fitsNow", integer("items that would be accepted now")},
       {"fitsAllInSeconds", nullable(integer("when the whole batch fits; null: never (it is larger than the quota)"))},
       {"requestId", str()}});
  schemas["BatchCounts"] = counts_schema();
  schemas["BatchItem"] = object("One item", {{"row", integer()}, {"job", ref("Job")}});
  schemas["Batch"] = batch_schema();
  schemas["BatchList"] = object("Batches, newest first",
                                {{"batches", {{"type", "array"}, {"items", ref("Batch")}}}});
  schemas["UsageCost"] = {
      {"type", "object"},
      {"description", "Estimated cost from the operator's prices. Only the costs whose price "
                      "is set appear (an unset price is left out, never 0)."},
      {"properties", {{"gpu", number("gpuSeconds / 3600 * PRICE_GPU_HOUR")},
                      {"cpu", number("cpuSeconds / 3600 * PRICE_CPU_HOUR")},
                      {"total", number("gpu + cpu, of the prices set")},
                      {"storagePerMonth", number("total only: storedBytes / 10^9 * PRICE_STORAGE_GB_MONTH")}}},
      {"additionalProperties", false}};
  schemas["UsagePeriod"] = period_schema(false);
  schemas["UsageTotal"] = period_schema(true);
  schemas["Usage"] = object(
      "The caller's organisation's usage. Jobs count in the period in which they finished.",
      {{"organizationId", str()},
       {"from", str("first day, YYYY-MM-DD")},
       {"to", str("last day, YYYY-MM-DD (included)")},
       {"granularity", {{"type", "string"}, {"enum", {"day", "month"}}}},
       {"periods", {{"type", "array"}, {"items", ref("UsagePeriod")}}},
       {"total", ref("UsageTotal")},
       {"storedBytes", integer("bytes of the organisation's videos stored now")},
       {"prices", {{"type", "object"},
                   {"description", "the prices set by the operator (unset ones absent)"},
                   {"properties", {{"gpuHour", number()}, {"cpuHour", number()}, {"storageGbMonth", number()}}},
                   {"additionalProperties", false}}}});

  json& paths = doc["paths"];
  json create = op("createBatch", "batches", "Queue a catalogue batch (JSON or CSV), or validate it (?dryRun=true)",
                   {{"201", {{"description", "Created: every item queued"},
                             {"headers", {{"Location", {{"description", "the batch's URL"}, {"schema", str()}}}}},
                             {"content", {{"application/json", {{"schema", ref("Batch")}}}}}}},
                    {"200", reply("dryRun: the validation, nothing created", "BatchValidation")},
                    {"400", {{"description", "batch_invalid (with every problem), or invalid_json, batch_file_missing, csv_malformed"},
                             {"content", {{"application/json", {{"schema", {{"oneOf", json::array({ref("BatchInvalid"), ref("Error")})}}}}}}}}},
                    {"401", error("unauthorized")},
                    {"403", error("forbidden")},
                    {"413", error("body_too_large")},
                    {"415", error("unsupported_media_type")},
                    {"429", {{"description", "quota_exceeded: the batch does not fit the daily quota"},
                             {"headers", {{"Retry-After", {{"description", "seconds until the whole batch fits"}, {"schema", integer()}}}}},
                             {"content", {{"application/json", {{"schema", ref("QuotaExceeded")}}}}}}}});
  create["parameters"] = json::array({query("dryRun", {{"type", "boolean"}}, "only validate: answer the problems, create nothing")});
  create["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", ref("BatchRequest")}}},
                                        {"multipart/form-data", {{"schema", ref("BatchCsvUpload")}}}}}};
  json list = op("listBatches", "batches", "The organisation's batches, newest first",
                 {{"200", reply("The batches", "BatchList")}, {"400", error("invalid_limit")},
                  {"401", error("unauthorized")}});
  list["parameters"] = json::array({query("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}, "at most this many")});
  json get = op("getBatch", "batches", "A batch: counts, progress, and every item's job and video",
                {{"200", reply("The batch with its items", "Batch")}, {"401", error("unauthorized")},
                 {"404", error("not_found")}});
  get["parameters"] = json::array({id_param()});
  json cancel = op("cancelBatch", "batches", "Cancel a batch: queued items at once, running ones at their next stage",
                   {{"202", reply("Canceled or cancel requested", "Batch")}, {"401", error("unauthorized")},
                    {"403", error("forbidden")}, {"404", error("not_found")}});
  cancel["parameters"] = json::array({id_param()});
  json events = op("batchEvents", "batches",
                   "Server-sent events: a `batch` event with the Batch (without items) each time it changes; "
                   "the stream ends after the event with status completed",
                   {{"200", {{"description", "text/event-stream; each event's data is one Batch as JSON"},
                             {"content", {{"text/event-stream", {{"schema", str()},
                                                                 {"x-event-name", "batch"},
                                                                 {"x-event-data", ref("Batch")}}}}}}},
                    {"401", error("unauthorized")}, {"404", error("not_found")}});
  events["parameters"] = json::array({id_param()});
  json usage = op("getUsage", "usage", "The organisation's usage and estimated cost",
                  {{"200", reply("Usage", "Usage")},
                   {"400", error("invalid_date, invalid_range, invalid_granularity")},
                   {"401", error("unauthorized")}});
  usage["parameters"] = json::array(
      {query("from", {{"type", "string"}, {"format", "date"}}, "first day (UTC); default 29 days before `to`"),
       query("to", {{"type", "string"}, {"format", "date"}}, "last day, included (UTC); default today"),
       query("granularity", {{"type", "string"}, {"enum", {"day", "month"}}, {"default", "day"}}, "periods")});
  paths["/api/v1/batches"] = {{"post", create}, {"get", list}};
  paths["/api/v1/batches/{id}"] = {{"get", get}};
  paths["/api/v1/batches/{id}/cancel"] = {{"post", cancel}};
  paths["/api/v1/batches/{id}/events"] = {{"get", events}};
  paths["/api/v1/usage"] = {{"get", usage}};
  doc["tags"].push_back({{"name", "batches"}, {"description", "Many products at once"}});
  doc["tags"].push_back({{"name", "usage"}, {"description", "What an organisation used, and its cost"}});
}

}  // namespace pitchreel::api
