#include "tts/http_tts_engine.h"

#include <nlohmann/json.hpp>

namespace pitchreel {

HttpTtsEngine::HttpTtsEngine(RemoteTtsSettings settings)
    : settings_(std::move(settings)), backend_{"the speech service", "tts",
                                               settings_.url,        "TTS_HTTP_URL",
                                               "TTS_HTTP_API_KEY",   "TTS_TIMEOUT_S"} {}

Result<Speech> HttpTtsEngine::synthesize(std::string_view script, const SpeechOptions& options) {
  if (auto ok = check_remote_request(script, options); !ok) return fail(ok.error());
  fetch::CallRequest request;
  request.method = "POST";
  request.url = settings_.url;
  request.content_type = "application/json";
  request.body = nlohmann::json{{"text", script}, {"voice", options.voice}}.dump();
  request.headers = {"Accept: audio/mpeg, audio/*"};
  return request_speech(backend_, settings_, std::move(request), script);
}

Result<std::vector<Voice>> HttpTtsEngine::voices() {
  std::vector<Voice> out;
  for (const auto& id : settings_.voices)
    out.push_back({id, "", "", "unknown", id + " (speech service)"});
  return out;
}

std::unique_ptr<TtsEngine> make_http_tts_engine(const ServiceConfig& config) {
  if (config.tts_http_url.empty()) return nullptr;
  return std::make_unique<HttpTtsEngine>(
      remote_settings(config, config.tts_http_url, config.tts_http_api_key, config.tts_http_voices));
}

}  // namespace pitchreel
