#include "tts/openai_tts_engine.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tts/speech_options.h"

namespace pitchreel {

std::string openai_speech_endpoint(const std::string& url) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  constexpr std::string_view kPath = "/audio/speech";
  if (base.size() >= kPath.size() &&
      base.compare(base.size() - kPath.size(), kPath.size(), kPath) == 0) {
    return base;
  }
  constexpr std::string_view kVersion = "/v1";
  if (base.size() >= kVersion.size() &&
      base.compare(base.size() - kVersion.size(), kVersion.size(), kVersion) == 0) {
    return base + std::string(kPath);
  }
  return base + "/v1" + std::string(kPath);
}

OpenAiTtsEngine::OpenAiTtsEngine(RemoteTtsSettings settings)
    : settings_(std::move(settings)),
      backend_{"the OpenAI-compatible speech service",
               "tts",
               openai_speech_endpoint(settings_.url),
               "OPENAI_TTS_URL",
               "OPENAI_TTS_API_KEY",
               "TTS_TIMEOUT_S"} {}

Result<Speech> OpenAiTtsEngine::synthesize(std::string_view script, const SpeechOptions& options) {
  if (auto ok = check_remote_request(script, options); !ok) return fail(ok.error());
  const double speed = std::clamp(double(options.rate_wpm) / kDefaultRateWpm, 0.25, 4.0);
  fetch::CallRequest request;
  request.method = "POST";
  request.url = backend_.url;
  request.content_type = "application/json";
  request.body = nlohmann::json{
      {"model", settings_.model.empty() ? "tts-1" : settings_.model},
      {"input", script},
      {"voice", options.voice},
      {"response_format", "mp3"},
      {"speed",
       speed}}.dump();
  return request_speech(backend_, settings_, std::move(request), script);
}

Result<std::vector<Voice>> OpenAiTtsEngine::voices() {
  std::vector<Voice> out;
  for (const auto& id : settings_.voices)
    out.push_back({id, "", "", "unknown", id + " (OpenAI-compatible)"});
  return out;
}

std::unique_ptr<TtsEngine> make_openai_tts_engine(const ServiceConfig& config) {
  if (config.openai_tts_url.empty()) return nullptr;
  return std::make_unique<OpenAiTtsEngine>(
      remote_settings(config, config.openai_tts_url, config.openai_tts_api_key, config.openai_tts_voices));
}

}  // namespace pitchreel
