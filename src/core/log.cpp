#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace pitchreel {

void init_logging(std::string_view level, bool json) {
  auto logger = spdlog::get("pitchreel");
  if (!logger) {
    logger = spdlog::stderr_color_mt("pitchreel");
    spdlog::set_default_logger(logger);
  }
  if (json) {
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
}

}  // namespace pitchreel
