#include "tts/voice_registry.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tts/speech_normalizer.h"
#include "tts/voice_backends.h"

namespace pitchreel {
namespace {

bool same_text(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// "de-DE" matches a voice whose locale is de-DE; "de" one whose language is de.
int language_match(const Voice& v, std::string_view wanted) {
  if (!v.locale.empty() && same_text(v.locale, wanted)) return 2;
  const std::string_view primary = wanted.substr(0, wanted.find('-'));
  if (!v.language.empty() && same_text(v.language, primary)) return 1;
  return 0;
}

}  // namespace

VoiceRef parse_voice(std::string_view id) {
  for (const VoiceBackend& backend : voice_backends()) {
    const std::string_view prefix = backend.prefix;
    if (id.size() > prefix.size() && id.substr(0, prefix.size()) == prefix &&
        id[prefix.size()] == ':') {
      return {backend.prefix, std::string(id.substr(prefix.size() + 1))};
    }
  }
  return {voice_backends().front().prefix, std::string(id)};
}

std::string voice_locale(std::string_view id) {
  const VoiceRef ref = parse_voice(id);
  const std::string& v = ref.voice;
  const std::size_t first = v.find('-');
  if (first == std::string::npos) {
    const bool letters = !v.empty() && v.size() <= 3 &&
                         std::ranges::all_of(v, [](char c) { return c >= 'a' && c <= 'z'; });
    return letters ? v : "";
  }
  const std::size_t second = v.find('-', first + 1);
  const std::string locale = v.substr(0, second);
  const bool plausible = first >= 2 && first <= 3 && locale.size() - first - 1 >= 2 &&
                         locale.size() - first - 1 <= 3;
  return plausible ? locale : "";
}

bool speaks_language(const Voice& v, std::string_view wanted) {
  if (wanted.empty()) return true;
  if (same_text(v.language, wanted)) return true;
  const std::string_view locale = v.locale.empty() ? std::string_view(v.language) : v.locale;
  return locale.size() >= wanted.size() && same_text(locale.substr(0, wanted.size()), wanted) &&
         (locale.size() == wanted.size() || locale[wanted.size()] == '-');
}

VoiceRegistry::VoiceRegistry(std::vector<Engine> engines, std::string fallback,
                             std::string default_voice)
    : engines_(std::move(engines)),
      fallback_(std::move(fallback)),
      default_voice_(default_voice.empty() ? "en-us" : std::move(default_voice)) {}

std::string VoiceRegistry::default_voice(std::string_view language) {
  if (language.empty()) return default_voice_;
  const std::string locale = voice_locale(default_voice_);
  const std::string_view primary = std::string_view(locale).substr(0, locale.find('-'));
  if (same_text(primary, language)) return default_voice_;
  const std::string backend = parse_voice(default_voice_).backend;
  if (std::string v = voice_for_language(backend, language); !v.empty()) return v;
  if (!engines_.empty()) {
    if (std::string v = voice_for_language(engines_.front().prefix, language); !v.empty()) return v;
  }
  return default_voice_;
}

bool VoiceRegistry::has_backend(std::string_view prefix) const {
  return std::ranges::any_of(engines_, [&](const Engine& e) { return e.prefix == prefix; });
}

Result<TtsEngine*> VoiceRegistry::engine_for(const VoiceRef& ref) {
  for (const Engine& e : engines_) {
    if (e.prefix == ref.backend) return e.engine.get();
  }
  for (const VoiceBackend& backend : voice_backends()) {
    if (backend.prefix != ref.backend) continue;
    return fail(Error::invalid(
        "voice_backend_not_configured",
        fmt::format("The voice {}:{} needs the {} speech backend, which the configuration "
                    "leaves off ({}). Set it, or choose a voice from `pitchreel voices`.",
                    ref.backend, ref.voice, ref.backend, backend.setting)));
  }
  return fail(Error::invalid("voice_not_found",
                             fmt::format("There is no voice backend called \"{}\".", ref.backend)));
}

Result<Speech> VoiceRegistry::synthesize(std::string_view script, const SpeechOptions& options) {
  const VoiceRef ref = parse_voice(options.voice);
  auto engine = engine_for(ref);
  if (!engine) return fail(engine.error());
  SpeechOptions inner = options;
  inner.voice = ref.voice;
  // Prices, units and model numbers are said as a person would; captions keep the written
  // words, timed by the spoken words they became.
  const std::string locale = voice_locale(options.voice);
  std::string language = locale.substr(0, locale.find('-'));
  for (char& c : language) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  const NormalizedScript normalized = normalize_for_speech(script, language);
  const auto written_words = [&](Result<Speech> s) {
    if (s && normalized.spoken != script) s->words = timings_for_written(script, normalized, s->words);
    return s;
  };
  auto speech = written_words((*engine)->synthesize(normalized.spoken, inner));
  const Engine& offline = engines_.front();
  if (speech || fallback_.empty() || fallback_ != offline.prefix || ref.backend == offline.prefix ||
      speech.error().kind != ErrorKind::kUnavailable) {
    return speech;
  }
  // The job goes on with an offline voice of the same language, and says so.
  std::string replacement = voice_for_language(offline.prefix, locale.empty() ? "en" : locale);
  if (replacement.empty()) replacement = voice_for_language(offline.prefix, "en");
  if (replacement.empty()) return speech;
  SpeechOptions offline_options = options;
  offline_options.voice = parse_voice(replacement).voice;
  auto fallback = written_words(offline.engine->synthesize(normalized.spoken, offline_options));
  if (!fallback) return speech;  // the remote error is the one worth reporting
  fallback->warnings.push_back(fmt::format(
      "The voice {} could not be used, so the offline voice {} spoke instead "
      "(PITCHREEL_TTS_FALLBACK={}). Cause: {}",
      options.voice, replacement, fallback_, speech.error().message));
  spdlog::warn("tts fallback voice={} replacement={} code={}", options.voice, replacement,
               speech.error().code);
  return fallback;
}

Result<std::vector<Voice>> VoiceRegistry::voices() {
  std::vector<Voice> all;
  for (const Engine& e : engines_) {
    auto list = e.engine->voices();
    if (!list) return fail(list.error());
    for (auto& v : *list) {
      v.id = fmt::format("{}:{}", e.prefix, v.id);
      all.push_back(std::move(v));
    }
  }
  return all;
}

std::string VoiceRegistry::voices_note() {
  std::string notes;
  for (const Engine& e : engines_) {
    const std::string note = e.engine->voices_note();
    if (!note.empty()) notes += (notes.empty() ? "" : " ") + note;
  }
  return notes;
}

std::string VoiceRegistry::voice_for_language(std::string_view prefix, std::string_view language,
                                              std::string_view gender) {
  for (const Engine& e : engines_) {
    if (e.prefix != prefix) continue;
    auto list = e.engine->voices();
    if (!list) return "";
    const Voice* best = nullptr;
    int best_score = 0;
    for (const Voice& v : *list) {
      const int match = language_match(v, language);
      if (match == 0) continue;
      const int score = match * 2 + (!gender.empty() && v.gender == gender ? 1 : 0);
      if (score > best_score) {
        best = &v;
        best_score = score;
      }
    }
    return best ? fmt::format("{}:{}", prefix, best->id) : "";
  }
  return "";
}

Status VoiceRegistry::check_voice(std::string_view id) {
  const VoiceRef ref = parse_voice(id);
  auto engine = engine_for(ref);
  if (!engine) return fail(engine.error());
  const auto backend = std::ranges::find(voice_backends(), ref.backend, &VoiceBackend::prefix);
  if (!ref.voice.empty() && backend != voice_backends().end() && !backend->list_is_exact) {
    return {};  // services know their own voices
  }
  auto list = (*engine)->voices();
  if (!list) return fail(list.error());
  if (std::ranges::any_of(*list, [&](const Voice& v) { return same_text(v.id, ref.voice); }))
    return {};
  return fail(Error::invalid("voice_not_found",
                             fmt::format("There is no voice called \"{}\". Run `pitchreel voices` "
                                         "or GET /api/v1/voices to see the voices.",
                                         id)));
}

std::unique_ptr<VoiceRegistry> make_voice_registry(const ServiceConfig& config) {
  std::vector<VoiceRegistry::Engine> engines;
  for (const VoiceBackend& backend : voice_backends()) {
    if (auto engine = backend.make(config)) engines.push_back({backend.prefix, std::move(engine)});
  }
  return std::make_unique<VoiceRegistry>(std::move(engines), config.tts_fallback,
                                         config.default_voice);
}

}  // namespace pitchreel
