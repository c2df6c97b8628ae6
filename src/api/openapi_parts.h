// Building blocks of the OpenAPI document (openapi.cpp), shared with the parts of it kept
// in their own files (openapi_webhooks.cpp), so every part describes schemas, errors and
// operations the same way.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pitchreel::api {

namespace oas {

using nlohmann::json;

json ref(const std::string& name);
json str(const std::string& description = {});
json nullable(json schema);
json integer(const std::string& description = {});
json number(const std::string& description = {});
json boolean(const std::string& description = {});
// A closed object: every property is required unless named in `optional`; no other may appear.
json object(const std::string& description, json properties, std::vector<std::string> optional = {});
json json_reply(const std::string& description, const std::string& schema);
json error_reply(const std::string& codes);
// The error answers an operation can give (400, 401, 403, 404, ...).
json errors(std::initializer_list<int> statuses);
json secured();
json operation(const std::string& id, const std::string& tag, const std::string& summary,
               json responses, bool auth = true);
json with(json base, std::initializer_list<std::pair<const std::string, json>> more);
json id_param(const std::string& what);

}  // namespace oas

// Adds the webhook paths, schemas and tag (openapi_webhooks.cpp) to the document.
void add_webhook_api(nlohmann::json& doc);

}  // namespace pitchreel::api
