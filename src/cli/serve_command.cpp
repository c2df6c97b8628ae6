// `pitchreel serve`: the HTTP API, the job workers and (later) the web UI in one process.
#include <iostream>
#include <memory>

#include "api/service.h"
#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/config.h"
#include "core/log.h"

namespace pitchreel::cli {
namespace {

struct ServeArgs {
  std::string listen;
  std::string data_dir;
  std::string config_file;
  std::string role;
};

std::string settings_help() {
  std::string text = "\nSettings (environment, .env or --config file; flags win):\n";
  for (const auto& s : service_settings()) {
    text += "  " + s.name;
    for (const auto& a : s.aliases) text += " (or " + a + ")";
    text += "\n      " + s.help + (s.default_value.empty() ? "" : " [default: " + s.default_value + "]") + "\n";
  }
  return text;
}

}  // namespace

Command add_serve(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API and the video workers");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on [default: 127.0.0.1:8080]");
  cmd->add_option("--data-dir", args->data_dir, "Database, videos and keys [default: ./data]");
  cmd->add_option("--role", args->role, "all (API and workers), api or worker [default: all]")
      ->check(CLI::IsMember({"all", "api", "worker"}));
  cmd->add_option("--config", args->config_file, "A KEY=VALUE settings file")->envname("PITCHREEL_CONFIG");
  cmd->footer(settings_help());
  return {cmd, [args]() -> int {
            auto config = load_service_config(process_environment(), args->config_file, ".env");
            if (!config) return report(config.error(), false);
            if (!args->listen.empty()) config->listen = args->listen;
            if (!args->data_dir.empty()) config->data_dir = args->data_dir;
            if (!args->role.empty()) config->role = args->role;
            init_logging(config->log_level, config->log_format == "json");
            auto status = api::run_service(*config);
            if (!status) return report(status.error(), false);
            return kExitOk;
          }};
}

}  // namespace pitchreel::cli
