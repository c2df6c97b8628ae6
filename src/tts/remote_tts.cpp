#include "tts/remote_tts.h"

#include <fmt/format.h>

#include <chrono>
#include <sstream>

#include "media/audio_decode.h"
#include "tts/audio_alignment.h"
#include "tts/espeak_engine.h"
#include "tts/speech_options.h"
#include "tts/sphinx_alignment.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

// Relative word durations from the embedded synthesiser (espeak-ng knows that "strengths"
// takes longer than "into"); syllable counts when it cannot speak the script.
AlignmentPrior duration_prior(std::string_view script) {
  EspeakEngine reference;
  auto speech = reference.synthesize(script, {});
  if (!speech) return syllable_prior(script);
  return reference_prior(script, speech->words);
}

}  // namespace

RemoteTtsSettings remote_settings(const ServiceConfig& c, const std::string& url,
                                  const std::string& key, const std::string& voices) {
  RemoteTtsSettings s;
  s.url = url;
  s.api_key = key;
  s.model = c.openai_tts_model;
  std::stringstream in(voices);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) s.voices.push_back(item);
  }
  s.connect_timeout_s = c.connect_timeout_s;
  s.timeout_s = c.tts_timeout_s;
  s.retry.attempts = c.remote_attempts;
  return s;
}

Status check_remote_request(std::string_view script, const SpeechOptions& options) {
  if (auto ok = check_speech_options(options); !ok) return ok;
  if (split_words(script).empty()) {
    return fail(Error::invalid("script_empty",
                               "The script is empty. Write what the presenter should say."));
  }
  return {};
}

Result<Speech> speech_from_audio(const fetch::BackendInfo& backend,
                                 const fetch::CallResponse& response, std::string_view script) {
  const std::string url = fetch::display_url(backend.url);
  const std::string& type = response.content_type;
  const bool audio = type.rfind("audio/", 0) == 0 || type == "application/octet-stream" ||
                     type == "application/ogg" || type.empty();
  if (!audio) {
    const std::string excerpt = fetch::body_excerpt(response.body);
    return fail(Error::unavailable(
        "tts_bad_output",
        fmt::format("{} at {} answered {} instead of audio{}. Check that {} points at the "
                    "speech endpoint itself.",
                    backend.name, url, type,
                    excerpt.empty() ? "" : fmt::format(" (\"{}\")", excerpt),
                    backend.url_setting)));
  }
  auto decoded = decode_audio(response.body, fmt::format("The answer of {}", backend.name));
  if (!decoded) {
    return fail(Error::unavailable("tts_bad_output",
                                   fmt::format("{} at {} answered audio pitchreel cannot use: {}",
                                               backend.name, url, decoded.error().message)));
  }
  Speech speech;
  speech.sample_rate = decoded->sample_rate;
  speech.samples = std::move(decoded->samples);
  if (auto aligned = SphinxAligner::shared().align(script, speech.samples, speech.sample_rate)) {
    speech.words = std::move(*aligned);
  } else {
    speech.words =
        align_script_to_audio(script, speech.samples, speech.sample_rate, duration_prior(script));
  }
  return speech;
}

Result<Speech> request_speech(const fetch::BackendInfo& backend, const RemoteTtsSettings& settings,
                              fetch::CallRequest request, std::string_view script) {
  if (!settings.api_key.empty())
    request.headers.push_back("Authorization: Bearer " + settings.api_key);
  request.connect_timeout = std::chrono::seconds(settings.connect_timeout_s);
  request.total_timeout = std::chrono::seconds(settings.timeout_s);
  request.max_bytes = 64ull << 20;
  auto answer = fetch::call_backend(backend, std::move(request), settings.retry);
  if (!answer) return fail(answer.error());
  return speech_from_audio(backend, answer->response, script);
}

}  // namespace pitchreel
