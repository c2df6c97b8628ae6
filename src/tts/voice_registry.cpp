#include "tts/voice_registry.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "tts/espeak_engine.h"
#include "tts/http_tts_engine.h"
#include "tts/openai_tts_engine.h"

namespace pitchreel {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

RemoteTtsSettings remote_settings(const ServiceConfig& c, const std::string& url,
                                  const std::string& key, const std::string& voices) {
  RemoteTtsSettings s;
  s.url = url;
  s.api_key = key;
  s.model = c.openai_tts_model;
  s.voices = split_list(voices);
  s.connect_timeout_s = c.connect_timeout_s;
  s.timeout_s = c.tts_timeout_s;
  s.retry.attempts = c.remote_attempts;
  return s;
}

}  // namespace

VoiceRef parse_voice(std::string_view id) {
  for (const std::string_view backend : {"espeak", "http", "openai"}) {
    if (id.size() > backend.size() && id.substr(0, backend.size()) == backend &&
        id[backend.size()] == ':') {
      return {std::string(backend), std::string(id.substr(backend.size() + 1))};
    }
  }
  return {"espeak", std::string(id)};
}

VoiceRegistry::VoiceRegistry(VoiceBackends backends) : backends_(std::move(backends)) {}

Result<TtsEngine*> VoiceRegistry::engine_for(const VoiceRef& ref) {
  const auto missing = [&](const char* setting) {
    return fail(Error::invalid(
        "voice_backend_not_configured",
        fmt::format("The voice {}:{} needs a {} speech service, but {} is not set. Set it, or "
                    "choose a voice from `pitchreel voices`.",
                    ref.backend, ref.voice, ref.backend, setting)));
  };
  if (ref.backend == "http") {
    if (!backends_.http) return missing("TTS_HTTP_URL");
    return backends_.http.get();
  }
  if (ref.backend == "openai") {
    if (!backends_.openai) return missing("OPENAI_TTS_URL");
    return backends_.openai.get();
  }
  return backends_.espeak.get();
}

Result<Speech> VoiceRegistry::synthesize(std::string_view script, const SpeechOptions& options) {
  const VoiceRef ref = parse_voice(options.voice);
  auto engine = engine_for(ref);
  if (!engine) return fail(engine.error());
  SpeechOptions inner = options;
  inner.voice = ref.voice;
  return (*engine)->synthesize(script, inner);
}

Result<std::vector<Voice>> VoiceRegistry::voices() {
  std::vector<Voice> all;
  const auto add = [&](TtsEngine* engine, std::string_view prefix) -> Status {
    if (!engine) return {};
    auto list = engine->voices();
    if (!list) return fail(list.error());
    for (auto& v : *list) {
      v.id = fmt::format("{}:{}", prefix, v.id);
      all.push_back(std::move(v));
    }
    return {};
  };
  if (auto s = add(backends_.espeak.get(), "espeak"); !s) return fail(s.error());
  if (auto s = add(backends_.http.get(), "http"); !s) return fail(s.error());
  if (auto s = add(backends_.openai.get(), "openai"); !s) return fail(s.error());
  return all;
}

Status VoiceRegistry::check_voice(std::string_view id) {
  const VoiceRef ref = parse_voice(id);
  auto engine = engine_for(ref);
  if (!engine) return fail(engine.error());
  if (ref.backend != "espeak" && !ref.voice.empty()) return {};  // services know their own voices
  auto list = (*engine)->voices();
  if (!list) return fail(list.error());
  if (std::ranges::any_of(*list, [&](const Voice& v) { return v.id == ref.voice; })) return {};
  return fail(Error::invalid("voice_not_found",
                             fmt::format("There is no voice called \"{}\". Run `pitchreel voices` "
                                         "or GET /api/v1/voices to see the voices.",
                                         id)));
}

std::unique_ptr<VoiceRegistry> make_voice_registry(const ServiceConfig& config) {
  VoiceBackends backends;
  backends.espeak = make_espeak_engine();
  if (!config.tts_http_url.empty()) {
    backends.http = std::make_unique<HttpTtsEngine>(remote_settings(
        config, config.tts_http_url, config.tts_http_api_key, config.tts_http_voices));
  }
  if (!config.openai_tts_url.empty()) {
    backends.openai = std::make_unique<OpenAiTtsEngine>(remote_settings(
        config, config.openai_tts_url, config.openai_tts_api_key, config.openai_tts_voices));
  }
  return std::make_unique<VoiceRegistry>(std::move(backends));
}

}  // namespace pitchreel
