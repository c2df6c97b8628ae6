#include "api/operator_access.h"

#include <strings.h>

#include "auth/api_key.h"

namespace pitchreel::api {

bool is_operator(const ServiceConfig& config, const http::Request& req) {
  if (config.operator_token.empty()) return false;
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || strncasecmp(header.c_str(), kScheme.data(), kScheme.size()) != 0) {
    return false;
  }
  // Compared by hash: equal lengths for the constant-time comparison, whatever was sent.
  return api_key_matches(std::string_view(header).substr(kScheme.size()), hash_api_key(config.operator_token));
}

Status require_operator(const ServiceConfig& config, const http::Request& req, const std::string& what) {
  if (config.operator_token.empty()) {
    return fail(Error::invalid("operator_access_off",
                               what + " are for operators and are off: set PITCHREEL_OPERATOR_TOKEN on the server "
                                      "and send it as a bearer token."));
  }
  if (!is_operator(config, req)) {
    return fail(Error::invalid("operator_token_required",
                               what + " need the operator token (PITCHREEL_OPERATOR_TOKEN) as "
                                      "\"Authorization: Bearer <token>\"."));
  }
  return {};
}

}  // namespace pitchreel::api
