// Maps a synthesiser's word-start events back onto the words of the script.
//
// Engines report where they are in the text (a code point offset) and when, not which of
// our words they mean; they may report several events for one word ("2024" → "two
// thousand twenty four"), none for a word they skip ("—"), or positions that step back.
// Kept free of any engine API so it can be reasoned about and tested on its own.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "tts/speech.h"

namespace pitchreel {

struct WordStartEvent {
  std::size_t char_position = 0;  // 1-based code point offset into the script
  double time = 0;                // seconds
};

// Returns one WordTiming per whitespace-separated word of `script`, in order, with
// 0 <= start < end <= duration and end <= next start. A word ends where the engine's
// speech for it ends (at the first pause phoneme after its last voiced phoneme) or at
// the next word. Words without an event share the time of the word before them.
// `phonemes` are the timed phonemes of the same audio; names starting with '_' are pauses.
std::vector<WordTiming> align_words(std::string_view script, std::span<const WordStartEvent> events,
                                    std::span<const PhonemeTiming> phonemes, double duration);

// Splits on ASCII whitespace, as align_words does.
std::vector<std::string_view> split_words(std::string_view script);

}  // namespace pitchreel
