// The espeak-ng library as a process-wide resource.
//
// espeak-ng keeps all of its state in globals (current voice, parameters, the synth
// callback), so there is exactly one instance per process: it is initialised on first use
// and every call into the library happens under its mutex. It is never terminated:
// espeak_Terminate() followed by a new espeak_Initialize() is not reliable, and another
// thread may still be speaking while static destructors run.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "tts/word_alignment.h"

namespace pitchreel {

// One entry of espeak_ListVoices(), copied out of the library's static storage.
struct EspeakVoiceInfo {
  std::string name;                    // "English (America)"
  std::string identifier;              // file under espeak-ng-data/voices, "gmw/en-US"
  std::vector<std::string> languages;  // most preferred first, "en-us", ...
  int gender = 0;                      // 0 unknown, 1 male, 2 female
};

struct EspeakPhonemeEvent {
  std::string name;  // espeak mnemonic; "_" and "_:" are pauses
  double time = 0;   // seconds
};

struct EspeakOutput {
  std::vector<std::int16_t> samples;
  std::vector<WordStartEvent> words;
  std::vector<EspeakPhonemeEvent> phonemes;
};

class EspeakLibrary {
  struct Key {  // only instance() may construct; std::optional needs a public constructor
    explicit Key() = default;
  };

 public:
  // The initialised library, or "tts_failed" when espeak-ng cannot start (e.g. its data
  // folder is missing). The result of the first call is kept for the process lifetime.
  static Result<EspeakLibrary*> instance();

  EspeakLibrary(const EspeakLibrary&) = delete;
  EspeakLibrary& operator=(const EspeakLibrary&) = delete;

  int sample_rate() const { return sample_rate_; }
  const std::vector<EspeakVoiceInfo>& voices() const { return voices_; }

  // Speaks `text` as plain UTF-8 (no SSML, no phoneme input) with the voice whose
  // identifier is given. Thread-safe; calls are serialised.
  Result<EspeakOutput> synthesize(std::string_view text, const std::string& voice_identifier,
                                  int rate_wpm, int pitch);

  EspeakLibrary(Key, int sample_rate, std::vector<EspeakVoiceInfo> voices)
      : sample_rate_(sample_rate), voices_(std::move(voices)) {}

 private:
  const int sample_rate_;
  const std::vector<EspeakVoiceInfo> voices_;
  std::mutex mutex_;
};

}  // namespace pitchreel
