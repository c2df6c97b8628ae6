// A recorded narration (`--audio`) as the Speech the engines take: the decoded audio, no
// phoneme timings (the presenter's mouth then follows the audio itself), and the
// script's words, when there is a script, spread over the detected speech segments so
// that captions appear while someone is speaking and pause when they pause.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tts/speech.h"

namespace pitchreel {

struct SpeechSegment {
  double start = 0;  // seconds
  double end = 0;
};

// Stretches of speech in `samples`: gaps shorter than a quarter second are bridged,
// blips shorter than 80 ms dropped.
std::vector<SpeechSegment> detect_speech_segments(const std::vector<float>& samples,
                                                  int sample_rate);

// Words of `script` laid over `segments` in order, each taking time in proportion to
// its length; a word never straddles a pause.
std::vector<WordTiming> distribute_words(std::string_view script,
                                         const std::vector<SpeechSegment>& segments);

// Decodes `audio` (48 kHz mono) and times `script`'s words over it ("" = no words).
Result<Speech> narration_speech(const std::filesystem::path& audio, std::string_view script);

}  // namespace pitchreel
