#include "tts/espeak_library.h"

#include <espeak-ng/speak_lib.h>

#include <cstring>
#include <optional>

namespace pitchreel {
namespace {

// Where one espeak_Synth() call collects its output; reached through the events' user_data.
struct Collector {
  EspeakOutput output;
};

int on_synth(short* wav, int sample_count, espeak_EVENT* events) {
  if (events == nullptr || events->user_data == nullptr) return 0;
  auto* collector = static_cast<Collector*>(events->user_data);
  EspeakOutput& out = collector->output;
  if (wav != nullptr && sample_count > 0)
    out.samples.insert(out.samples.end(), wav, wav + sample_count);
  for (const espeak_EVENT* e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    const double time = e->audio_position / 1000.0;
    if (e->type == espeakEVENT_WORD && e->text_position > 0) {
      out.words.push_back({static_cast<std::size_t>(e->text_position), time});
    } else if (e->type == espeakEVENT_PHONEME) {
      // id.string is not NUL-terminated when the name fills all 8 bytes.
      out.phonemes.push_back(
          {std::string(e->id.string, strnlen(e->id.string, sizeof e->id.string)), time});
    }
  }
  return 0;  // 0 = keep going
}

// `languages` is a list of (priority byte, NUL-terminated name) pairs ended by an empty name.
std::vector<std::string> parse_languages(const char* languages) {
  std::vector<std::string> result;
  if (languages == nullptr) return result;
  for (const char* p = languages; *p != '\0';) {
    const char* name = p + 1;  // skip the priority byte
    const std::size_t length = std::strlen(name);
    if (length > 0) result.emplace_back(name, length);
    p = name + length + 1;
  }
  return result;
}

std::vector<EspeakVoiceInfo> list_voices() {
  std::vector<EspeakVoiceInfo> voices;
  const espeak_VOICE** list = espeak_ListVoices(nullptr);
  for (; list != nullptr && *list != nullptr; ++list) {
    const espeak_VOICE& v = **list;
    if (v.name == nullptr || v.identifier == nullptr) continue;
    voices.push_back({v.name, v.identifier, parse_languages(v.languages), v.gender});
  }
  return voices;
}

}  // namespace

Result<EspeakLibrary*> EspeakLibrary::instance() {
  static std::once_flag once;
  static std::optional<EspeakLibrary> library;
  static std::optional<Error> error;
  std::call_once(once, [] {
    // DONT_EXIT: by default espeak-ng calls exit() when its data cannot be loaded.
    const int sample_rate =
        espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                          espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
    if (sample_rate <= 0) {
      error = Error::internal("tts_failed",
                              "The espeak-ng speech engine could not start; is the espeak-ng-data "
                              "package installed? Run `pitchreel doctor` to check.");
      return;
    }
    espeak_SetSynthCallback(on_synth);
    library.emplace(Key{}, sample_rate, list_voices());
  });
  if (!library) return fail(*error);
  return &*library;
}

Result<EspeakOutput> EspeakLibrary::synthesize(std::string_view text,
                                               const std::string& voice_identifier, int rate_wpm,
                                               int pitch) {
  const std::string terminated(text);  // espeak reads up to the NUL
  Collector collector;
  const std::lock_guard lock(mutex_);
  if (espeak_SetVoiceByName(voice_identifier.c_str()) != EE_OK) {
    return fail(Error::internal("tts_failed",
                                "espeak-ng could not load the voice " + voice_identifier + "."));
  }
  // Set after the voice: selecting a voice resets rate and pitch to its defaults.
  espeak_SetParameter(espeakRATE, rate_wpm, 0);
  espeak_SetParameter(espeakPITCH, pitch, 0);
  // No espeakSSML and no espeakPHONEMES: the script is text, never markup or phoneme codes.
  const espeak_ERROR rc = espeak_Synth(terminated.c_str(), terminated.size() + 1, 0, POS_CHARACTER,
                                       0, espeakCHARS_UTF8 | espeakENDPAUSE, nullptr, &collector);
  if (rc != EE_OK) {
    return fail(Error::internal("tts_failed", "espeak-ng failed to synthesise the script (error " +
                                                  std::to_string(static_cast<int>(rc)) + ")."));
  }
  return std::move(collector.output);
}

}  // namespace pitchreel
