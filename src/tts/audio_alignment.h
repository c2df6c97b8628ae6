// Word timings recovered from speech audio and the script it speaks, for speech engines
// that return audio only (remote neural TTS services).
//
// Method (energy segmentation with weighted distribution):
//  1. a 10 ms energy envelope; frames above an adaptive level (between the noise floor and
//     the speech peak) are voiced;
//  2. silences of at least kPauseS split the speech into phrases; the words are shared out
//     over the phrases by dynamic programming so that each phrase's duration matches the
//     weight of its words (a pause where the prior expects one is rewarded);
//  3. inside a phrase, word boundaries start where the words' weights put them and move to
//     the deepest energy dip (a short silence or a stop closure) nearby.
// The weights and expected pauses (the prior) come from syllable counts and punctuation, or,
// better, from the word timings of a reference synthesis of the same script (espeak-ng):
// a duration model that knows "strengths" is one syllable but long.
// Words come out in script order, one per whitespace-separated word (split_words), with
// 0 <= start < end <= duration and end <= next start. Deterministic and thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "tts/speech.h"

namespace pitchreel {

struct AlignmentPrior {
  std::vector<double> weights;    // per word, relative duration (> 0)
  std::vector<bool> pause_after;  // per word, a pause is expected after it
};

// From syllable_weight() and clause punctuation.
AlignmentPrior syllable_prior(std::string_view script);
// From a reference synthesis's word timings (one per word of the script, in order);
// falls back to syllable_prior when the counts differ.
AlignmentPrior reference_prior(std::string_view script, const std::vector<WordTiming>& reference);

std::vector<WordTiming> align_script_to_audio(std::string_view script,
                                              std::span<const float> samples, int sample_rate,
                                              const AlignmentPrior& prior);
std::vector<WordTiming> align_script_to_audio(std::string_view script,
                                              std::span<const float> samples, int sample_rate);

// How long a word takes to say relative to others: its estimated syllables, plus a little
// per letter (consonant clusters take time); digits count as spoken numbers.
double syllable_weight(std::string_view word);

}  // namespace pitchreel
