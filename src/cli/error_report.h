// How the CLI reports an Error: "error[code]: message" on stderr (or a JSON object on
// stdout with --json) and the documented exit code.
#pragma once

#include "core/status.h"

namespace pitchreel::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitInvalidInput = 2;
// `batch`: the batch ran, but some rows failed (the report says which and why).
inline constexpr int kExitPartial = 3;

int exit_code_for(const Error& error);
// Prints the error and returns its exit code.
int report(const Error& error, bool json);

}  // namespace pitchreel::cli
