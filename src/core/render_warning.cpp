#include "core/render_warning.h"

#include <nlohmann/json.hpp>

namespace pitchreel {

nlohmann::json warnings_json(std::span<const RenderWarning> warnings) {
  nlohmann::json out = nlohmann::json::array();
  for (const RenderWarning& w : warnings) out.push_back({{"code", w.code}, {"message", w.message}});
  return out;
}

std::string warnings_to_json(std::span<const RenderWarning> warnings) {
  return warnings_json(warnings).dump();
}

std::vector<RenderWarning> warnings_from_json(std::string_view text) {
  std::vector<RenderWarning> out;
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (!item.is_object()) continue;
    const auto code = item.find("code");
    const auto message = item.find("message");
    if (code == item.end() || !code->is_string()) continue;
    out.push_back({code->get<std::string>(),
                   message != item.end() && message->is_string() ? message->get<std::string>()
                                                                 : std::string{}});
  }
  return out;
}

}  // namespace pitchreel
