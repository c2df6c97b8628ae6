// The OpenAPI 3.0 description of the service, served at /api/v1/openapi.json.
#pragma once

#include <string>

namespace pitchreel::api {

const std::string& openapi_document();

}  // namespace pitchreel::api
