// One function per CLI command. Each registers its subcommand and options on the app
// and returns a runner that executes it and yields the process exit code:
// 0 success, 2 invalid input (the user can fix it), 1 internal error.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace pitchreel::cli {

using Runner = std::function<int()>;

struct Command {
  CLI::App* app;  // the subcommand, owned by the parent app
  Runner run;
};

Command add_generate(CLI::App& app);
Command add_script(CLI::App& app);
Command add_voices(CLI::App& app);
Command add_serve(CLI::App& app);
Command add_admin(CLI::App& app);
Command add_doctor(CLI::App& app);
Command add_batch(CLI::App& app);

}  // namespace pitchreel::cli
