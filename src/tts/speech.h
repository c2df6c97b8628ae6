// What a TtsEngine produces: mono PCM plus the timing of every word and phoneme,
// all in seconds on the audio's own clock (0 = first sample).
#pragma once

#include <string>
#include <vector>

namespace pitchreel {

struct WordTiming {
  std::string text;  // the word as written in the (normalised) script, UTF-8
  double start = 0;  // seconds
  double end = 0;    // seconds, > start
};

struct PhonemeTiming {
  std::string phoneme;  // engine mnemonic (espeak-ng's phoneme names)
  double start = 0;
  double end = 0;
};

struct Speech {
  std::vector<float> samples;           // mono, [-1, 1]
  int sample_rate = 0;                  // Hz
  std::vector<WordTiming> words;        // in script order, monotonic, inside [0, duration()]
  std::vector<PhonemeTiming> phonemes;  // monotonic, inside [0, duration()]
  // Sentences for the user about how the speech was made (an offline voice stood in for
  // a remote one); empty when all went as asked.
  std::vector<std::string> warnings;

  double duration() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

struct Voice {
  std::string id;        // what --voice accepts, e.g. "en-us"
  std::string language;  // ISO 639 code of the language, e.g. "en", "zh"; empty = unknown
  std::string locale;    // BCP-47 tag, e.g. "en-US", "cmn", "pt-BR"; empty = unknown
  std::string gender;    // "male", "female" or "unknown"
  std::string name;      // human-readable
};

struct SpeechOptions {
  std::string voice = "en-us";
  int rate_wpm = 165;  // words per minute, 80..450
  int pitch = 50;      // 0..100, 50 = the voice's normal pitch
};

}  // namespace pitchreel
