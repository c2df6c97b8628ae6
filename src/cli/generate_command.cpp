// `pitchreel generate`: one video from the command line, no server, no network.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/error_report.h"
#include "cli/progress_bar.h"
#include "core/config.h"
#include "core/script_limit.h"
#include "engines/engine_factory.h"
#include "tts/voice_registry.h"
#include "worker/generate.h"

namespace pitchreel::cli {
namespace {

struct GenerateArgs {
  std::string image;
  std::string script;
  std::string script_file;
  std::string product_name;
  std::string description;
  std::string voice;  // empty: PITCHREEL_DEFAULT_VOICE, or a voice of the script's language
  int rate = 165;
  int pitch = 50;
  std::string aspect = "16:9";
  int height = 1080;
  bool no_captions = false;
  bool title = false;
  std::string preset = "veryfast";
  int crf = 23;
  double max_megapixels = 50;
  std::string output;
  bool json = false;
  std::string engine;  // empty: PITCHREEL_ENGINE, else cpu
  bool passthrough = false;
  std::string config_file;
  std::string avatar;
  std::string layout;
  std::string audio;
  std::string music;
};

Result<GenerateRequest> to_request(const GenerateArgs& a, const CLI::App& cmd) {
  GenerateRequest r;
  r.image = a.image;
  const int sources = (cmd.count("--script") > 0) + (cmd.count("--script-file") > 0);
  if (sources > 1) {
    return fail(Error::invalid("invalid_arguments",
                               "Give the script once: either --script or --script-file."));
  }
  if (cmd.count("--script")) r.script = a.script;
  if (cmd.count("--script-file")) {
    std::ifstream in(a.script_file, std::ios::binary);
    if (!in) {
      return fail(Error::invalid("script_file_not_found",
                                 "Cannot read the script file " + a.script_file + "."));
    }
    std::ostringstream text;
    text << in.rdbuf();
    r.script = text.str();
  }
  r.avatar = a.avatar;
  r.audio = a.audio;
  r.music = a.music;
  if (!a.layout.empty()) {
    auto layout = parse_layout(a.layout);
    if (!layout) return fail(layout.error());
    r.layout = *layout;
  }
  if (!r.script && a.product_name.empty() && a.audio.empty()) {
    return fail(Error::invalid("script_missing",
                               "Say what the video should say: --script \"...\", --script-file "
                               "F, or --product-name N (with --description D) to get a suggested "
                               "script."));
  }
  if (a.title && a.product_name.empty()) {
    return fail(Error::invalid("invalid_arguments",
                               "--title shows the product name: give --product-name too."));
  }
  r.product_name = a.product_name;
  r.description = a.description;
  r.title = a.title;
  r.speech = {a.voice, a.rate, a.pitch};
  auto aspect = parse_aspect(a.aspect);
  if (!aspect) return fail(aspect.error());
  if (auto s = check_height(a.height); !s) return fail(s.error());
  r.format.aspect = *aspect;
  r.format.height = a.height;
  r.captions = !a.no_captions;
  r.preset = a.preset;
  r.crf = a.crf;
  if (a.max_megapixels <= 0) {
    return fail(Error::invalid("invalid_arguments", "--max-megapixels must be positive."));
  }
  r.image_limits.max_pixels = static_cast<std::uint64_t>(a.max_megapixels * 1e6);
  r.output = a.output;
  r.passthrough = a.passthrough;
  return r;
}

nlohmann::json summary(const GenerateResult& r, const GenerateRequest& request,
                       double gpu_seconds) {
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& s : r.stages) stages[s.stage] = std::round(s.seconds * 1000) / 1000;
  return {{"success", true},
          {"video", r.video.string()},
          {"poster", r.poster.string()},
          {"vtt", r.vtt.string()},
          {"srt", r.srt.string()},
          {"duration", std::round(r.duration * 1000) / 1000},
          {"frames", r.frames},
          {"fps", request.format.fps},
          {"width", r.width},
          {"height", r.height},
          {"size", r.size},
          {"script", r.script},
          {"stageSeconds", stages},
          {"gpuSeconds", std::round(gpu_seconds * 1000) / 1000},
          {"warnings", warnings_json(r.warnings)}};
}

}  // namespace

Command add_generate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate",
                                 "Render one product video (MP4 + poster JPEG + VTT/SRT captions)");
  cmd->add_option("--image", args->image, "Product photo (JPEG, PNG, WebP, ...)")->required();
  cmd->add_option("--script", args->script,
                  fmt::format("What the voice says (plain text, at most {} characters)", kMaxScriptChars));
  cmd->add_option("--script-file", args->script_file, "Read the script from a UTF-8 text file");
  cmd->add_option("--product-name", args->product_name,
                  "Product name (suggests a script when none is given)");
  cmd->add_option("--description", args->description,
                  "Product description the suggested script draws from");
  cmd->add_option("--voice", args->voice,
                  "Voice id from `pitchreel voices` (default: PITCHREEL_DEFAULT_VOICE when it "
                  "speaks the script's language, else a voice of that language)");
  cmd->add_option("--rate", args->rate, "Speaking rate in words per minute (80-450)")
      ->capture_default_str();
  cmd->add_option("--pitch", args->pitch, "Voice pitch (0-100, 50 = normal)")
      ->capture_default_str();
  cmd->add_option("--aspect", args->aspect, "16:9, 9:16 or 1:1")->capture_default_str();
  cmd->add_option("--height", args->height, "720 or 1080 (the short side)")->capture_default_str();
  cmd->add_flag("--no-captions", args->no_captions, "Do not burn captions into the video");
  cmd->add_flag("--title", args->title, "Show the product name as a title");
  cmd->add_option("--preset", args->preset, "x264 preset (ultrafast ... veryslow)")
      ->capture_default_str();
  cmd->add_option("--crf", args->crf, "x264 quality, 0-51, lower is better")->capture_default_str();
  cmd->add_option("--max-megapixels", args->max_megapixels, "Refuse larger images")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Output MP4 path")->required();
  cmd->add_flag("--json", args->json, "Print a machine-readable summary on stdout");
  cmd->add_option("--engine", args->engine,
                  "cpu (built-in renderer) or hallo3 (the GPU server at HALLO3_URL); default "
                  "PITCHREEL_ENGINE or cpu");
  cmd->add_flag("--passthrough", args->passthrough,
                "hallo3: keep the GPU server's video as it is (no captions or layout)");
  cmd->add_option("--config", args->config_file,
                  "A KEY=VALUE settings file (HALLO3_URL, TTS_HTTP_URL, ...); the environment "
                  "and .env are read too")
      ->envname("PITCHREEL_CONFIG");
  cmd->add_option("--avatar", args->avatar,
                  "Portrait of the presenter who speaks the script (photo, painting, sketch, "
                  "3D render; one frontal face)");
  cmd->add_option("--layout", args->layout,
                  "presenter, split, pip or showcase (default: presenter with --avatar, "
                  "showcase without)");
  cmd->add_option("--audio", args->audio,
                  "A recorded narration (WAV, MP3, ...) instead of synthesised speech; the "
                  "script then only gives the captions and may be left out");
  cmd->add_option("--music", args->music,
                  "Background music (MP3, WAV, ...): looped or trimmed to the video, kept "
                  "under the voice, faded out at the end");

  return {cmd, [args, cmd]() -> int {
            auto request = to_request(*args, *cmd);
            if (!request) return report(request.error(), args->json);
            auto config = load_service_config(process_environment(), args->config_file, ".env");
            if (!config) return report(config.error(), args->json);
            request->full_x264_threading = config->full_x264_threading;
            auto engine = make_video_engine(
                args->engine.empty() ? config->default_engine : args->engine, *config);
            if (!engine) return report(engine.error(), args->json);
            auto tts = make_voice_registry(*config);
            ProgressBar bar;
            auto result = generate_video(*request, *tts, **engine, bar);
            if (!result) return report(result.error(), args->json);
            for (const auto& w : result->warnings) {
              // One write per line: the log (on its own thread) also writes to stderr.
              std::cerr << fmt::format("warning[{}]: {}\n", w.code, w.message);
            }
            if (args->json) {
              std::cout << summary(*result, *request, bar.gpu_seconds()).dump(2) << "\n";
            } else {
              // Durations as people read them: "47.4 s", not 47.36666666666667.
              std::cout << "Wrote " << result->video.string() << " (" << result->width << "x"
                        << result->height << ", " << fmt::format("{:.1f}", result->duration)
                        << " s, " << result->size << " bytes)\n      "
                        << result->poster.string() << ", " << result->vtt.string() << ", "
                        << result->srt.string() << "\n";
            }
            return kExitOk;
          }};
}

}  // namespace pitchreel::cli
