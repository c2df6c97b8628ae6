// Structured logging for operators: one line per event, key=value pairs after the
// message (logfmt), to stderr. JSON lines when PITCHREEL_LOG_FORMAT=json.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace pitchreel {

// Sets up the process-wide logger once; `level` is one of trace, debug, info, warn,
// error, off. Safe to call again to change the level.
void init_logging(std::string_view level, bool json);

}  // namespace pitchreel
