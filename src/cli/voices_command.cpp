// `pitchreel voices`: the voices the embedded speech engine offers.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/config.h"
#include "tts/voice_registry.h"

namespace pitchreel::cli {
namespace {
struct VoicesArgs {
  std::string language;
  bool json = false;
};
}  // namespace

Command add_voices(CLI::App& app) {
  auto args = std::make_shared<VoicesArgs>();
  auto* cmd = app.add_subcommand("voices", "List the voices of every configured speech backend (id, locale, gender, name)");
  cmd->add_option("--language", args->language,
                  "Only voices of this language or locale, e.g. en, zh, pt-BR");
  cmd->add_flag("--json", args->json, "Print a JSON array");
  return {
      cmd, [args]() -> int {
        auto config = load_service_config(process_environment(), "", ".env");
        if (!config) return report(config.error(), args->json);
        auto registry = make_voice_registry(*config);
        auto voices = registry->voices();
        if (!voices) return report(voices.error(), args->json);
        // Said on stderr so that the list itself stays machine-readable.
        if (const std::string note = registry->voices_note(); !note.empty())
          std::fprintf(stderr, "note: %s\n", note.c_str());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& v : *voices) {
          if (!speaks_language(v, args->language)) continue;
          if (args->json) {
            list.push_back({{"id", v.id},
                            {"backend", parse_voice(v.id).backend},
                            {"language", v.language},
                            {"locale", v.locale},
                            {"gender", v.gender},
                            {"name", v.name}});
          } else {
            std::printf("%-32s %-16s %-8s %s\n", v.id.c_str(), v.locale.c_str(), v.gender.c_str(),
                        v.name.c_str());
          }
        }
        if (args->json) std::cout << list.dump(2) << "\n";
        return kExitOk;
      }};
}

}  // namespace pitchreel::cli
