// Operator access: the few answers meant for the people running the service, not for its
// users or anonymous probes (/readyz?deep=1, which calls every backend and names their
// hosts, and organisation-labelled series in /metrics). The credential is the bearer
// token in PITCHREEL_OPERATOR_TOKEN; when it is empty, nobody is an operator.
//
// Errors: "operator_token_required" (401) without the token or with a wrong one;
// "operator_access_off" (403) when no token is configured. Messages never echo the token.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "core/config.h"
#include "core/status.h"
#include "http/request.h"

namespace pitchreel::api {

// True when `req` carries "Authorization: Bearer <PITCHREEL_OPERATOR_TOKEN>" (compared
// in constant time); false when it does not or when no token is configured.
bool is_operator(const ServiceConfig& config, const http::Request& req);

// is_operator() as a Status, with the error a refused caller gets; `what` names the
// answer ("Deep readiness checks").
Status require_operator(const ServiceConfig& config, const http::Request& req, const std::string& what);

}  // namespace pitchreel::api
