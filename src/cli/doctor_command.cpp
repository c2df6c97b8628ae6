// `pitchreel doctor`: checks the configuration and every configured backend, says what is
// wrong and what to do, and exits non-zero when anything failed (see doctor/doctor.h).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/config.h"
#include "doctor/doctor.h"

namespace pitchreel::cli {
namespace {
struct DoctorArgs {
  std::string config_file;
  bool generate = false;
  std::string portrait;
  int timeout_s = 10;
  bool json = false;
};
}  // namespace

Command add_doctor(CLI::App& app) {
  auto args = std::make_shared<DoctorArgs>();
  auto* cmd = app.add_subcommand(
      "doctor", "Check the configuration and every configured backend (storage, speech, Hallo3)");
  cmd->add_option("--config", args->config_file, "A KEY=VALUE settings file")
      ->envname("PITCHREEL_CONFIG");
  cmd->add_flag("--generate", args->generate,
                "Also run a tiny end-to-end Hallo3 job (uses GPU time; needs --portrait)");
  cmd->add_option("--portrait", args->portrait, "A portrait with a clear face, for --generate");
  cmd->add_option("--timeout", args->timeout_s, "Seconds per reachability check")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the checks as JSON");
  return {cmd, [args]() -> int {
            auto config = load_service_config(process_environment(), args->config_file, ".env");
            if (!config) return report(config.error(), args->json);
            DoctorOptions options;
            options.generate = args->generate;
            options.portrait = args->portrait;
            options.probe_timeout_s = std::max(1, args->timeout_s);
            const auto results = run_doctor(*config, options);
            if (args->json) {
              std::cout << to_json(results).dump(2) << "\n";
            } else {
              for (const auto& r : results) {
                const char* mark = r.status == CheckStatus::kOk       ? "ok  "
                                   : r.status == CheckStatus::kFailed ? "FAIL"
                                                                      : "skip";
                if (r.code.empty()) {
                  std::printf("%s %-22s %s\n", mark, r.name.c_str(), r.message.c_str());
                } else {
                  std::printf("%s %-22s [%s] %s\n", mark, r.name.c_str(), r.code.c_str(),
                              r.message.c_str());
                }
              }
              std::printf(all_passed(results) ? "All checks passed.\n"
                                              : "Some checks failed; fix them and run `pitchreel "
                                                "doctor` again.\n");
            }
            return all_passed(results) ? kExitOk : kExitInternal;
          }};
}

}  // namespace pitchreel::cli
