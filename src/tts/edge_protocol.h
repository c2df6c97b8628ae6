// The read-aloud protocol's messages, built and parsed without any network: what the
// client sends (speech.config, the SSML request), what the service answers (text
// messages with a header block, binary audio frames with a 2-byte header length, word
// boundaries in audio.metadata). Kept apart from the WebSocket so it can be tested alone
// and shared with the test server. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pitchreel::edge {

// A voice's short name ("en-US-AriaNeural", "zh-CN-liaoning-XiaobeiNeural") split into the
// parts the SSML needs. nullopt when `short_name` is not of that form.
struct VoiceName {
  std::string short_name;
  std::string locale;     // "en-US", "zh-CN-liaoning"
  std::string language;   // "en", "zh"
  std::string long_name;  // "Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)"
};
std::optional<VoiceName> parse_voice_name(std::string_view short_name);

// The prosody values for SpeechOptions: rate relative to 165 words per minute ("+21%",
// "-30%"), pitch 0..100 with 50 = normal as Hz ("-50Hz" .. "+50Hz").
std::string prosody_rate(int rate_wpm);
std::string prosody_pitch(int pitch);

// &, <, >, ' and " as entities; control characters the service rejects become spaces.
std::string xml_escape(std::string_view text);

// One <speak> with one <voice> and one <prosody>; `text` is plain and is escaped here.
std::string make_ssml(std::string_view text, const VoiceName& voice, int rate_wpm, int pitch);

// JavaScript Date.toString() in UTC, as the browser stamps its messages.
std::string js_date(std::chrono::system_clock::time_point t);

// The first message of a turn: word boundaries on, sentence boundaries off, 24 kHz MP3.
std::string speech_config_message(std::string_view timestamp);
inline constexpr std::string_view kOutputFormat = "audio-24khz-48kbitrate-mono-mp3";

// The SSML request. (The browser appends a "Z" to this timestamp; so do we.)
std::string ssml_message(std::string_view request_id, std::string_view timestamp,
                         std::string_view ssml);

// 32 random hex digits (upper case when asked), for ConnectionId, X-RequestId and muid.
std::string random_hex_id(bool upper = false);

// A text frame: "Name:value\r\n" lines, an empty line, then the body.
struct TextMessage {
  std::map<std::string, std::string> headers;
  std::string body;
  std::string path() const;
};
Result<TextMessage> parse_text_message(std::string_view frame);

// A binary frame: big-endian header length, the header block, then audio bytes.
struct BinaryMessage {
  std::map<std::string, std::string> headers;
  std::span<const std::uint8_t> payload;  // points into the frame
  std::string path() const;
};
Result<BinaryMessage> parse_binary_message(std::span<const std::uint8_t> frame);
// The other direction, for the test server: headers + payload as one binary frame.
std::vector<std::uint8_t> make_binary_message(std::string_view header_block,
                                              std::span<const std::uint8_t> payload);

// One spoken word: where it starts and how long it lasts, in 100 ns ticks from the start
// of the turn's audio, and the text the service says it spoke.
struct WordBoundary {
  std::int64_t offset_ticks = 0;
  std::int64_t duration_ticks = 0;
  std::string text;
};
// The WordBoundary entries of an audio.metadata body (other types are skipped).
// "edge_protocol_error" when the body is not the expected JSON.
Result<std::vector<WordBoundary>> parse_word_boundaries(std::string_view body);

}  // namespace pitchreel::edge
