// Service: `pitchreel serve` assembled: configuration -> data directory (database,
// storage, URL secret) -> first-run owner -> authentication -> workers -> HTTP.
// run() blocks until SIGTERM or SIGINT, then shuts down gracefully: stop accepting,
// let running jobs finish within the grace period, requeue the rest.
#pragma once

#include "core/config.h"
#include "core/status.h"

namespace pitchreel::api {

// Call from main() before any other thread exists (it blocks the shutdown signals
// process-wide so that only run() receives them).
Status run_service(const ServiceConfig& config);

}  // namespace pitchreel::api
