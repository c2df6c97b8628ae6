// Wall-clock time for callers that have no time of their own to pass in. Every
// repository function takes `now` (Unix seconds, UTC) as a parameter so tests can
// drive time; production code passes unix_now().
#pragma once

#include <cstdint>

namespace pitchreel::db {

std::int64_t unix_now();

}  // namespace pitchreel::db
