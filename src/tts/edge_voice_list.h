// The Edge voices pitchreel lists: the service's list endpoint (JSON array of
// {ShortName, Locale, Gender, FriendlyName, ...}), kept in a cache file for a TTL so that
// `pitchreel voices` does not ask the service every time; when the list cannot be fetched,
// the cache however old, else a small built-in list, with a note saying which. Thread-safe
// (concurrent writers of the cache replace it atomically).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tts/edge_settings.h"
#include "tts/speech.h"

namespace pitchreel::edge {

struct VoiceList {
  std::vector<Voice> voices;  // ids are short names, without the "edge:" prefix
  std::string source;         // "service", "cache", "stale cache" or "built-in"
  std::string note;           // for the user when the list is not fresh; empty otherwise
};

VoiceList load_voice_list(const EdgeSettings& settings);

// The list endpoint's JSON as voices; "edge_protocol_error" when it is not a list of voices.
Result<std::vector<Voice>> parse_voice_list(std::string_view json);

// Two voices (female first) for each language the script writer knows, plus a few more.
std::vector<Voice> built_in_voices();

}  // namespace pitchreel::edge
