// Written product text -> the words a person would say, for English, German, French and
// Spanish: prices ("$19.99", "19,99 €"), percentages, units after a number ("12 oz",
// "500ml"), packs ("2-pack"), ordinals ("3rd", "2e", "1.º", German "3."; spoken_ordinal.h),
// connector and resolution names ("USB-C", "4K") and model
// numbers ("WH-1000XM5" -> "WH 1000 XM 5"). Numbers stay digits: every engine reads digits
// in its own language. Captions keep the written words: each spoken word remembers the
// written word it came from, and timings_for_written() maps the engine's timings back.
// Other languages pass through unchanged. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tts/speech.h"

namespace pitchreel {

struct NormalizedScript {
  std::string spoken;               // what the engine reads
  std::vector<std::size_t> source;  // per word of `spoken` (split_words): its written word
};

// `language`: ISO 639-1 ("en", "de", "fr", "es"); anything else returns `written` as it is.
NormalizedScript normalize_for_speech(std::string_view written, std::string_view language);

// One timing per written word (split_words of `written`), from the timings of the spoken
// words: the first start to the last end of the words it became. Written words that became
// nothing share their neighbours' gap.
std::vector<WordTiming> timings_for_written(std::string_view written,
                                            const NormalizedScript& normalized,
                                            std::span<const WordTiming> spoken);

}  // namespace pitchreel
