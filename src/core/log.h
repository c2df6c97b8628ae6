// Structured logging for operators: one line per event, key=value pairs after the
// message (logfmt), to stderr. JSON lines when PITCHREEL_LOG_FORMAT=json.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace pitchreel {

// Sets up the process-wide logger once; `level` is one of trace, debug, info, warn,
// error, off. Safe to call again to change the level.
// Lines are written by a background thread; call shutdown_logging() (or hold a
// LoggingSession) before the process exits so every queued line reaches stderr.
void init_logging(std::string_view level, bool json);
void shutdown_logging();

// Flushes and stops logging when it goes out of scope (main holds one).
struct LoggingSession {
  LoggingSession() = default;
  LoggingSession(const LoggingSession&) = delete;
  LoggingSession& operator=(const LoggingSession&) = delete;
  ~LoggingSession() { shutdown_logging(); }
};

}  // namespace pitchreel
