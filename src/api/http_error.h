// How errors leave the API: a status code chosen from the error's code (then its kind)
// and the seed's JSON shape {"success": false, "error": "<message>"}, plus our stable
// "code" and the request id. Internal errors never carry their message to the client:
// it is logged with the request id and the client gets the id to quote.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace pitchreel::api {

int http_status_for(const Error& error);
nlohmann::json error_body(const Error& error, const std::string& request_id);

}  // namespace pitchreel::api
