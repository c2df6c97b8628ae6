// `pitchreel batch products.csv --out-dir DIR`: one video per row of a catalogue sheet,
// offline, with a progress line, a line per failed row and a report (CSV and JSON) beside
// the videos. Every row is checked before anything renders: a sheet with a bad row is
// refused whole, with every problem's row and column. `--resume` skips rows already made.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "batch/batch_item.h"
#include "batch/batch_run.h"
#include "batch/csv_table.h"
#include "batch/generate_renderer.h"
#include "cli/batch_progress.h"
#include "cli/commands.h"
#include "cli/error_report.h"
#include "core/config.h"

namespace pitchreel::cli {
namespace {

struct BatchArgs {
  std::string csv;
  std::string out_dir;
  int jobs = 1;
  bool resume = false;
  bool json = false;
  // Defaults for columns a row leaves empty.
  std::string voice, aspect, layout, avatar, engine;
  int height = 0;
  bool no_captions = false;
  bool title = false;
  std::string preset = "veryfast";
  int crf = 23;
  std::string config_file;
};

batch::Fields defaults_of(const BatchArgs& a) {
  batch::Fields d;
  const auto set = [&](const char* name, const std::string& v) {
    if (!v.empty()) d[name] = v;
  };
  set("voice", a.voice);
  set("aspect", a.aspect);
  set("layout", a.layout);
  set("avatarUrl", a.avatar);
  set("engine", a.engine);
  if (a.height > 0) d["height"] = std::to_string(a.height);
  if (a.no_captions) d["captions"] = "false";
  if (a.title) d["title"] = "true";
  return d;
}

// Checks that need the machine: voices the registry knows, files that exist.
void check_resources(const std::vector<batch::BatchItem>& items, const ServiceConfig& config,
                     const std::filesystem::path& base_dir,
                     std::vector<batch::ItemProblem>& problems) {
  auto voices = make_voice_registry(config);
  for (const auto& item : items) {
    if (!item.voice.empty()) {
      if (auto s = voices->check_voice(item.voice); !s) {
        problems.push_back({item.row, "voice", s.error().code, s.error().message});
      }
    }
    for (const auto& [field, source] :
         {std::pair{"imageUrl", item.image_url}, std::pair{"avatarUrl", item.avatar_url}}) {
      if (source.empty() || batch::is_url(source)) continue;
      std::filesystem::path path(source);
      if (!path.is_absolute()) path = base_dir / path;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        problems.push_back({item.row, field, "image_not_found",
                            "There is no file " + path.string() +
                                ": give a path relative to the CSV file's folder, or an "
                                "https:// address."});
      }
    }
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const auto& a, const auto& b) { return a.row < b.row; });
}

int refuse(const std::vector<batch::ItemProblem>& problems, bool json) {
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : problems) {
      list.push_back({{"row", p.row}, {"field", p.field}, {"code", p.code}, {"message", p.message}});
    }
    std::cout << nlohmann::json{{"success", false},
                                {"code", "batch_invalid"},
                                {"error", "No video was made: fix these rows and run again."},
                                {"problems", list}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& p : problems) {
      std::cerr << (p.row > 0 ? "row " + std::to_string(p.row) : std::string("batch"))
                << (p.field.empty() ? "" : ", " + p.field) << ": error[" << p.code << "]: " << p.message
                << "\n";
    }
    std::cerr << "error[batch_invalid]: " << problems.size()
              << (problems.size() == 1 ? " problem" : " problems")
              << "; no video was made. Fix the rows above and run again.\n";
  }
  return kExitInvalidInput;
}

}  // namespace

Command add_batch(CLI::App& app) {
  auto args = std::make_shared<BatchArgs>();
  auto* cmd = app.add_subcommand(
      "batch", "Render one video per row of a product CSV (productName, imageUrl, script, ...)");
  cmd->add_option("csv", args->csv, "The products: a CSV file with a header row")->required();
  cmd->add_option("--out-dir", args->out_dir, "Where the videos and the report go")->required();
  cmd->add_option("--jobs", args->jobs, "Videos rendered at the same time (1 suits 2 cores)")
      ->capture_default_str();
  cmd->add_flag("--resume", args->resume, "Skip rows the folder's report lists as made");
  cmd->add_flag("--json", args->json, "Print a machine-readable summary on stdout");
  cmd->add_option("--voice", args->voice, "Voice for rows without one");
  cmd->add_option("--aspect", args->aspect, "16:9, 9:16 or 1:1 for rows without one");
  cmd->add_option("--height", args->height, "720 or 1080 for rows without one");
  cmd->add_option("--layout", args->layout, "Layout for rows without one");
  cmd->add_option("--avatar", args->avatar, "Presenter portrait (path or URL) for rows without one");
  cmd->add_option("--engine", args->engine, "cpu or hallo3 for rows without one");
  cmd->add_flag("--no-captions", args->no_captions, "No burned-in captions unless a row asks");
  cmd->add_flag("--title", args->title, "Show each product's name as a title unless a row says no");
  cmd->add_option("--preset", args->preset, "x264 preset")->capture_default_str();
  cmd->add_option("--crf", args->crf, "x264 quality, 0-51")->capture_default_str();
  cmd->add_option("--config", args->config_file, "A KEY=VALUE settings file")
      ->envname("PITCHREEL_CONFIG");

  return {cmd, [args]() -> int {
            std::ifstream in(args->csv, std::ios::binary);
            if (!in) {
              return report(Error::invalid("batch_file_not_found",
                                           "Cannot read the CSV file " + args->csv + "."),
                            args->json);
            }
            std::ostringstream text;
            text << in.rdbuf();
            auto table = batch::parse_csv(text.str());
            if (!table) return report(table.error(), args->json);
            auto config = load_service_config(process_environment(), args->config_file, ".env");
            if (!config) return report(config.error(), args->json);

            auto parsed = batch::parse_table(*table, defaults_of(*args));
            for (const auto& column : parsed.ignored_columns) {
              std::cerr << "note: column \"" << column << "\" is not used\n";
            }
            const auto base_dir = std::filesystem::absolute(args->csv).parent_path();
            check_resources(parsed.items, *config, base_dir, parsed.problems);
            if (!parsed.problems.empty()) return refuse(parsed.problems, args->json);

            batch::GenerateSettings settings;
            settings.config = *config;
            settings.base_dir = base_dir;
            settings.preset = args->preset;
            settings.crf = args->crf;
            const batch::RendererFactory factory =
                [&settings]() -> Result<std::unique_ptr<batch::ItemRenderer>> {
              return std::make_unique<batch::GenerateRenderer>(settings);
            };
            auto summary = [&] {
              BatchProgress progress;  // its line ends before the summary is printed
              return batch::run_batch(parsed.items, {args->out_dir, args->jobs, args->resume},
                                      factory, progress);
            }();
            if (!summary) return report(summary.error(), args->json);
            const auto report_json = std::filesystem::path(args->out_dir) / batch::BatchReport::kJsonName;
            const auto report_csv = std::filesystem::path(args->out_dir) / batch::BatchReport::kCsvName;
            if (args->json) {
              std::cout << nlohmann::json{{"success", summary->failed == 0},
                                          {"total", parsed.items.size()},
                                          {"succeeded", summary->succeeded},
                                          {"failed", summary->failed},
                                          {"skipped", summary->skipped},
                                          {"report", report_json.string()},
                                          {"reportCsv", report_csv.string()}}
                               .dump(2)
                        << "\n";
            } else {
              std::cout << summary->succeeded << " of " << parsed.items.size() << " videos made"
                        << (summary->skipped > 0 ? " (" + std::to_string(summary->skipped) +
                                                       " by an earlier run)"
                                                 : "")
                        << ", " << summary->failed << " failed. Report: " << report_csv.string()
                        << "\n";
            }
            return summary->failed == 0 ? kExitOk : kExitPartial;
          }};
}

}  // namespace pitchreel::cli
