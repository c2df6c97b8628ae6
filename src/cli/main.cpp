// pitchreel: talking product videos. One binary: `generate`, `script`, `voices`, `serve`,
// `admin`, `doctor`.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/log.h"
#include "core/malloc_policy.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace pitchreel;
  hold_malloc_thresholds();  // first, before any thread (core/malloc_policy.h)
  CLI::App app{"pitchreel: talking product videos from a photo and a script"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->envname("PITCHREEL_LOG_LEVEL")
      ->capture_default_str();

  const std::vector<cli::Command> commands = {cli::add_generate(app), cli::add_script(app),
                                              cli::add_voices(app), cli::add_serve(app),
                                              cli::add_admin(app), cli::add_doctor(app),
                                              cli::add_batch(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error[invalid_arguments]: " << e.what() << "\nRun `pitchreel --help`.\n";
    return cli::kExitInvalidInput;
  }
  const char* format = std::getenv("PITCHREEL_LOG_FORMAT");
  init_logging(log_level, format && std::string(format) == "json");
  const LoggingSession logging;  // flushes queued log lines however main returns

  for (const auto& command : commands) {
    if (command.app->parsed()) {
      try {
        return command.run();
      } catch (const std::exception& e) {
        // Last line of defence: a bug must not end in a stack trace or an abort.
        spdlog::error("unexpected exception command={} what=\"{}\"", command.app->get_name(),
                      e.what());
        return cli::report(Error::internal("internal_error",
                                           "pitchreel failed unexpectedly; "
                                           "run with --log-level debug and report it."),
                           false);
      }
    }
  }
  return cli::kExitInternal;
}
