// Errors as values. Every failure that crosses a module boundary is an Error:
// a stable machine-readable code (e.g. "script_too_long"), a sentence for the
// user that says what was wrong and what to do, and a kind that decides the
// process exit code and, later, the HTTP status. Messages never carry secrets
// or stack traces.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace pitchreel {

enum class ErrorKind {
  kInvalidInput,  // the user can fix it (exit code 2, HTTP 4xx)
  kUnavailable,   // a dependency is down or slow; retrying may help
  kInternal,      // our fault (exit code 1, HTTP 500)
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // stable, snake_case
  std::string message;  // full sentence(s): what went wrong and how to fix it
  // > 0: trying again after this many seconds can succeed (a rate window frees up, a queue
  // drains); HTTP answers carry it as Retry-After.
  int retry_after_s = 0;

  static Error invalid(std::string code, std::string message) {
    return {ErrorKind::kInvalidInput, std::move(code), std::move(message)};
  }
  static Error internal(std::string code, std::string message) {
    return {ErrorKind::kInternal, std::move(code), std::move(message)};
  }
  static Error unavailable(std::string code, std::string message) {
    return {ErrorKind::kUnavailable, std::move(code), std::move(message)};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

// Success carries nothing.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace pitchreel
