#include "doctor/doctor.h"

#include <chrono>
#include <functional>

#include <fmt/format.h>

#include "core/data_dir.h"
#include "engines/hallo3_engine.h"
#include "engines/hallo3_settings.h"
#include "fetch/backend_failure.h"
#include "fetch/http_call.h"
#include "media/image.h"
#include "storage/store_factory.h"
#include "tts/espeak_engine.h"
#include "tts/http_tts_engine.h"
#include "tts/openai_tts_engine.h"
#include "tts/voice_registry.h"

namespace pitchreel {
namespace {

class Checks {
 public:
  // Runs `check` unless `prerequisite` failed; returns whether it passed.
  bool run(const std::string& name, const std::function<Result<std::string>()>& check,
           bool prerequisite = true) {
    if (!prerequisite) {
      results_.push_back({name, CheckStatus::kSkipped, "", "skipped: an earlier check failed", 0});
      return false;
    }
    const auto start = std::chrono::steady_clock::now();
    auto outcome = check();
    CheckResult r;
    r.name = name;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (outcome) {
      r.message = *outcome;
    } else {
      r.status = CheckStatus::kFailed;
      r.code = outcome.error().code;
      r.message = outcome.error().message;
    }
    results_.push_back(std::move(r));
    return outcome.has_value();
  }
  std::vector<CheckResult> take() { return std::move(results_); }

 private:
  std::vector<CheckResult> results_;
};

// Any HTTP answer means the server is there; a failure says why it is not.
Result<std::string> reachable(const fetch::BackendInfo& backend, const std::string& url,
                              int timeout_s) {
  fetch::CallRequest request;
  request.url = url;
  request.connect_timeout = std::chrono::seconds(timeout_s);
  request.total_timeout = std::chrono::seconds(timeout_s);
  request.max_bytes = 1 << 20;
  auto answer = fetch::http_call(request);
  if (!answer) return fail(fetch::describe_failure(backend, answer.error(), request));
  return fmt::format("{} answers at {} (HTTP {} in {:.0f} ms)", backend.name,
                     fetch::display_url(url), answer->status, answer->seconds * 1000);
}

Result<std::string> synthesis(TtsEngine& engine, const std::string& voice) {
  SpeechOptions options;
  options.voice = voice;
  auto speech = engine.synthesize("Hello.", options);
  if (!speech) return fail(speech.error());
  return fmt::format("\"Hello.\" synthesised with voice {}: {:.2f} s of audio at {} Hz", voice,
                     speech->duration(), speech->sample_rate);
}

Result<std::string> hallo3_contract(const Hallo3Settings& settings, int timeout_s) {
  const auto backend = hallo3_backend(settings);
  fetch::CallRequest request;
  request.connect_timeout = std::chrono::seconds(timeout_s);
  request.total_timeout = std::chrono::seconds(timeout_s);
  request.max_bytes = 1 << 20;
  if (!settings.api_key.empty())
    request.headers.push_back("Authorization: Bearer " + settings.api_key);
  if (settings.protocol == Hallo3Protocol::kAsync) {
    request.url = settings.url + "/health";
  } else {
    // No inputs: a Hallo3 server refuses this at once (400/422) without touching the GPU.
    request.method = "POST";
    request.url = settings.url + "/generate";
    request.multipart = {{"doctor", "", "", {'1'}}};
  }
  auto answer = fetch::http_call(request);
  if (!answer) return fail(fetch::describe_failure(backend, answer.error(), request));
  const long status = answer->status;
  const bool ok = settings.protocol == Hallo3Protocol::kAsync
                      ? status >= 200 && status < 300
                      : status >= 400 && status < 500 && status != 401 && status != 403 &&
                            status != 404 && status != 405;
  if (ok) {
    return fmt::format("{} answers {} {} with HTTP {} as a Hallo3 server should", backend.name,
                       request.method, fetch::display_url(request.url), status);
  }
  if (status >= 200 && status < 300) {
    return fail(Error::invalid(
        "gpu_rejected",
        fmt::format("{} accepted a request without image and audio (HTTP {}); it does not look "
                    "like a Hallo3 server. Check HALLO3_URL and HALLO3_PROTOCOL.",
                    backend.name, status)));
  }
  fetch::BackendInfo shown = backend;
  shown.url = request.url;
  return fail(fetch::describe_status(shown, *answer));
}

Result<std::string> hallo3_generate(const ServiceConfig& config, const DoctorOptions& options) {
  if (options.portrait.empty()) {
    return fail(Error::invalid("doctor_portrait_missing",
                               "The test job needs a portrait with a clear face: pass --portrait "
                               "FILE with --generate."));
  }
  auto portrait = load_image(options.portrait);
  if (!portrait) return fail(portrait.error());
  EspeakEngine espeak;
  auto speech = espeak.synthesize("Hello from pitchreel.", {});
  if (!speech) return fail(speech.error());
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("pitchreel-doctor-{}",
                               std::chrono::steady_clock::now().time_since_epoch().count());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{dir};
  RenderJob job;
  job.product = *portrait;
  job.speech = &*speech;
  job.passthrough = true;
  job.video_path = dir / "doctor.mp4";
  job.poster_path = dir / "doctor.jpg";
  Hallo3Engine engine(hallo3_settings(config));
  NullProgress progress;
  auto out = engine.render(job, progress);
  if (!out) return fail(out.error());
  return fmt::format("a {:.1f} s test video came back valid after {:.1f} s of GPU time",
                     out->duration, progress.gpu_seconds());
}

}  // namespace

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kFailed:
      return "failed";
    case CheckStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::vector<CheckResult> run_doctor(const ServiceConfig& config, const DoctorOptions& options) {
  Checks checks;
  checks.run("storage", [&]() -> Result<std::string> {
    auto store = open_object_store(config, DataDir{config.data_dir});
    if (!store) return fail(store.error());
    if (auto s = (*store)->check_writable(); !s) return fail(s.error());
    return (*store)->name() + " is writable";
  });

  checks.run("speech.espeak", [&] {
    EspeakEngine espeak;
    return synthesis(espeak, "en-us");
  });
  const auto remote = [&](const std::string& name, const std::string& url, auto make_engine,
                          const std::string& voices) {
    if (url.empty()) return;
    RemoteTtsSettings s;
    s.url = url;
    s.connect_timeout_s = options.probe_timeout_s;
    s.timeout_s = std::max(options.probe_timeout_s, config.tts_timeout_s);
    s.retry.attempts = 1;
    auto engine = make_engine(s);
    const bool up = checks.run(name + ".reachable", [&] {
      return reachable(engine->backend(), engine->backend().url, options.probe_timeout_s);
    });
    const auto first = voices.substr(0, voices.find(','));
    checks.run(
        name + ".synthesis", [&] { return synthesis(*engine, first); }, up);
  };
  remote(
      "speech.http", config.tts_http_url,
      [&](RemoteTtsSettings s) {
        s.api_key = config.tts_http_api_key;
        return std::make_unique<HttpTtsEngine>(s);
      },
      config.tts_http_voices);
  remote(
      "speech.openai", config.openai_tts_url,
      [&](RemoteTtsSettings s) {
        s.api_key = config.openai_tts_api_key;
        s.model = config.openai_tts_model;
        return std::make_unique<OpenAiTtsEngine>(s);
      },
      config.openai_tts_voices);

  if (!config.hallo3_url.empty() || config.default_engine == "hallo3") {
    const Hallo3Settings settings = hallo3_settings(config);
    const bool url_ok = checks.run("hallo3.url", [&]() -> Result<std::string> {
      if (auto s = check_hallo3_url(config.hallo3_url); !s) return fail(s.error());
      return fmt::format("HALLO3_URL is {} ({} protocol)", fetch::display_url(settings.url),
                         settings.protocol == Hallo3Protocol::kAsync ? "async" : "seed");
    });
    const bool up = checks.run(
        "hallo3.reachable",
        [&] {
          return reachable(hallo3_backend(settings), settings.url + "/", options.probe_timeout_s);
        },
        url_ok);
    const bool contract = checks.run(
        "hallo3.contract", [&] { return hallo3_contract(settings, options.probe_timeout_s); }, up);
    if (options.generate) {
      checks.run(
          "hallo3.generate", [&] { return hallo3_generate(config, options); }, contract);
    }
  }
  return checks.take();
}

bool all_passed(const std::vector<CheckResult>& results) {
  for (const auto& r : results) {
    if (r.status != CheckStatus::kOk) return false;
  }
  return true;
}

nlohmann::json to_json(const std::vector<CheckResult>& results) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json c = {{"name", r.name},
                        {"status", to_string(r.status)},
                        {"message", r.message},
                        {"seconds", r.seconds}};
    if (!r.code.empty()) c["code"] = r.code;
    checks.push_back(std::move(c));
  }
  return {{"ok", all_passed(results)}, {"checks", checks}};
}

}  // namespace pitchreel
