// `pitchreel script`: suggest a spoken script from a product's name and description.
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/utf8.h"
#include "script/script_writer.h"

namespace pitchreel::cli {
namespace {
struct ScriptArgs {
  std::string product_name;
  std::string description;
  bool json = false;
};
}  // namespace

Command add_script(CLI::App& app) {
  auto args = std::make_shared<ScriptArgs>();
  auto* cmd = app.add_subcommand("script",
                                 fmt::format("Suggest a spoken script (at most {} characters) for a product", kMaxScriptChars));
  cmd->add_option("--product-name", args->product_name, "Product name")->required();
  cmd->add_option("--description", args->description, "Product description (plain text or HTML)");
  cmd->add_flag("--json", args->json, "Print {script, characters, benefits} as JSON");
  return {cmd, [args]() -> int {
            auto suggestion = suggest_script(args->product_name, args->description);
            if (!suggestion) return report(suggestion.error(), args->json);
            if (args->json) {
              nlohmann::json out = {{"script", suggestion->script},
                                    {"characters", utf8::length(suggestion->script)},
                                    {"benefits", suggestion->benefits}};
              std::cout << out.dump(2) << "\n";
            } else {
              std::cout << suggestion->script << "\n";
            }
            return kExitOk;
          }};
}

}  // namespace pitchreel::cli
