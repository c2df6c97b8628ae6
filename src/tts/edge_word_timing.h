// Word boundaries from the Edge service -> one WordTiming per word of the script.
//
// The service reports the words it spoke with their text but no position in ours, without
// punctuation ("Hello," comes back as "Hello"), sometimes split ("USB-C" as "USB" and "C")
// and sometimes not at all (a lone dash). Each boundary is located in the script by its
// letters and digits, case-insensitively, searching forward from the previous one; the
// script words it covers take its time. Words no boundary covers share the gap between
// their neighbours. Pure function.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "tts/edge_protocol.h"
#include "tts/speech.h"

namespace pitchreel::edge {

// One WordTiming per whitespace-separated word of `script` (split_words), text as written,
// 0 <= start < end <= duration, in order and not overlapping.
std::vector<WordTiming> words_from_boundaries(std::string_view script,
                                              std::span<const WordBoundary> boundaries,
                                              double duration);

}  // namespace pitchreel::edge
