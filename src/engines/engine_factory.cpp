#include "engines/engine_factory.h"

#include <fmt/format.h>

#include "engines/cpu_engine.h"
#include "engines/hallo3_engine.h"

namespace pitchreel {

Status check_engine(std::string_view name, const ServiceConfig& config) {
  if (name == "cpu") return {};
  if (name == "hallo3") return check_hallo3_url(config.hallo3_url);
  return fail(Error::invalid(
      "engine_unknown",
      fmt::format("There is no engine called \"{}\". Use cpu (the built-in renderer) or hallo3 (a "
                  "Hallo3 GPU server set with HALLO3_URL).",
                  name.substr(0, 40))));
}

Result<std::unique_ptr<VideoEngine>> make_video_engine(std::string_view name,
                                                       const ServiceConfig& config) {
  if (auto s = check_engine(name, config); !s) return fail(s.error());
  if (name == "hallo3") {
    return std::unique_ptr<VideoEngine>(std::make_unique<Hallo3Engine>(hallo3_settings(config)));
  }
  return std::unique_ptr<VideoEngine>(std::make_unique<CpuEngine>());
}

}  // namespace pitchreel
