#include "cli/error_report.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace pitchreel::cli {

int exit_code_for(const Error& error) {
  return error.kind == ErrorKind::kInvalidInput ? kExitInvalidInput : kExitInternal;
}

int report(const Error& error, bool json) {
  if (json) {
    nlohmann::json out = {{"success", false}, {"code", error.code}, {"error", error.message}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cerr << "error[" << error.code << "]: " << error.message << "\n";
  }
  return exit_code_for(error);
}

}  // namespace pitchreel::cli
