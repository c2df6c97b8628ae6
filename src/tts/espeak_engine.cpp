#include "tts/espeak_engine.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "tts/espeak_library.h"
#include "tts/espeak_voices.h"
#include "tts/script_text.h"
#include "tts/speech_options.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

// Defence in depth for the engine's own syntax. Without espeakPHONEMES "[[...]]" is plain
// text, but brackets are never spoken anyway, so turning them into parentheses costs
// nothing. Controls become spaces. Every replacement is one ASCII byte for one ASCII byte,
// so espeak's character positions still point into the original script.
std::string engine_text(std::string_view script) {
  std::string text(script);
  for (char& c : text) {
    if (c == '[')
      c = '(';
    else if (c == ']')
      c = ')';
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      c = ' ';
  }
  return text;
}

std::vector<PhonemeTiming> phoneme_timings(const std::vector<EspeakPhonemeEvent>& events,
                                           double duration) {
  std::vector<PhonemeTiming> timings;
  double previous = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const double start = std::clamp(events[i].time, previous, duration);
    const double next = i + 1 < events.size() ? events[i + 1].time : duration;
    const double end = std::clamp(next, start, duration);
    previous = start;
    if (end > start) timings.push_back({events[i].name, start, end});  // drop zero-length marks
  }
  return timings;
}

}  // namespace

Result<Speech> EspeakEngine::synthesize(std::string_view script, const SpeechOptions& options) {
  if (auto ok = check_speech_options(options); !ok) return fail(ok.error());
  if (split_words(script).empty()) {
    return fail(Error::invalid("script_empty",
                               "The script is empty. Write what the presenter should say."));
  }
  auto library = EspeakLibrary::instance();
  if (!library) return fail(library.error());
  const EspeakVoiceInfo* voice = find_voice((*library)->voices(), options.voice);
  if (voice == nullptr) {
    return fail(Error::invalid(
        "voice_not_found", fmt::format("There is no voice called \"{}\". Run `pitchreel voices` "
                                       "to see the voices.",
                                       options.voice)));
  }

  auto output = (*library)->synthesize(engine_text(script), voice->identifier, options.rate_wpm,
                                       options.pitch);
  if (!output) return fail(output.error());
  if (output->samples.empty()) {
    return fail(Error::internal("tts_failed", "espeak-ng produced no audio for the script."));
  }

  Speech speech;
  speech.sample_rate = (*library)->sample_rate();
  speech.samples.reserve(output->samples.size());
  for (const std::int16_t s : output->samples)
    speech.samples.push_back(static_cast<float>(s) / 32768.0f);
  const double duration = speech.duration();
  speech.phonemes = phoneme_timings(output->phonemes, duration);
  speech.words = align_words(script, output->words, speech.phonemes, duration);
  return speech;
}

Result<std::vector<Voice>> EspeakEngine::voices() {
  auto library = EspeakLibrary::instance();
  if (!library) return fail(library.error());
  std::vector<Voice> result;
  for (const EspeakVoiceInfo& info : (*library)->voices()) {
    Voice v = to_voice(info);
    // Several espeak voices can share a primary language; the first is the one --voice picks.
    const bool seen = std::ranges::any_of(result, [&](const Voice& r) { return r.id == v.id; });
    if (!seen) result.push_back(std::move(v));
  }
  return result;
}

std::unique_ptr<TtsEngine> make_espeak_engine() { return std::make_unique<EspeakEngine>(); }

}  // namespace pitchreel
