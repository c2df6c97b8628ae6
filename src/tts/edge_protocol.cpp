#include "tts/edge_protocol.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tts/speech_options.h"

namespace pitchreel::edge {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return parts;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "Name:value" lines separated by CRLF, up to the end of `block`.
std::map<std::string, std::string> parse_headers(std::string_view block) {
  std::map<std::string, std::string> headers;
  for (std::string_view line : split(block, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers[std::string(line.substr(0, colon))] = std::string(value);
  }
  return headers;
}

std::string header_path(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("Path");
  return it == headers.end() ? "" : it->second;
}

Error protocol_error(std::string_view what) {
  return Error::unavailable(
      "edge_protocol_error",
      fmt::format("The Edge speech service sent a message pitchreel does not understand ({}). "
                  "The protocol may have changed; try again later or choose another voice.",
                  what));
}

}  // namespace

std::optional<VoiceName> parse_voice_name(std::string_view short_name) {
  if (short_name.empty() || short_name.size() > 100) return std::nullopt;
  if (!std::ranges::all_of(short_name, [](char c) { return is_alnum(c) || c == '-'; }))
    return std::nullopt;
  const auto parts = split(short_name, '-');
  if (parts.size() < 3 || std::ranges::any_of(parts, &std::string_view::empty))
    return std::nullopt;
  const std::string_view language = parts[0];
  if (language.size() < 2 || language.size() > 3 ||
      !std::ranges::all_of(language, [](char c) { return c >= 'a' && c <= 'z'; }))
    return std::nullopt;
  const std::string_view name = parts.back();
  VoiceName v;
  v.short_name = std::string(short_name);
  v.locale = std::string(short_name.substr(0, short_name.size() - name.size() - 1));
  v.language = std::string(language);
  v.long_name =
      fmt::format("Microsoft Server Speech Text to Speech Voice ({}, {})", v.locale, name);
  return v;
}

std::string prosody_rate(int rate_wpm) {
  const long percent = std::lround((double(rate_wpm) / kDefaultRateWpm - 1.0) * 100.0);
  return fmt::format("{:+d}%", percent);
}

std::string prosody_pitch(int pitch) { return fmt::format("{:+d}Hz", pitch - 50); }

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      default:
        // The service answers an error for vertical tabs and other C0 controls.
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
    }
  }
  return out;
}

std::string make_ssml(std::string_view text, const VoiceName& voice, int rate_wpm, int pitch) {
  return fmt::format(
      "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='{}'>"
      "<voice name='{}'><prosody pitch='{}' rate='{}' volume='+0%'>{}</prosody></voice></speak>",
      xml_escape(voice.locale), xml_escape(voice.long_name), prosody_pitch(pitch),
      prosody_rate(rate_wpm), xml_escape(text));
}

std::string js_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 64> buffer{};
  const std::size_t n = std::strftime(buffer.data(), buffer.size(), "%a %b %d %Y %H:%M:%S", &utc);
  return std::string(buffer.data(), n) + " GMT+0000 (Coordinated Universal Time)";
}

std::string speech_config_message(std::string_view timestamp) {
  return fmt::format(
      "X-Timestamp:{}\r\nContent-Type:application/json; charset=utf-8\r\nPath:speech.config"
      "\r\n\r\n"
      R"({{"context":{{"synthesis":{{"audio":{{"metadataoptions":{{)"
      R"("sentenceBoundaryEnabled":"false","wordBoundaryEnabled":"true"}},)"
      R"("outputFormat":"{}"}}}}}}}})"
      "\r\n",
      timestamp, kOutputFormat);
}

std::string ssml_message(std::string_view request_id, std::string_view timestamp,
                         std::string_view ssml) {
  return fmt::format(
      "X-RequestId:{}\r\nContent-Type:application/ssml+xml\r\nX-Timestamp:{}Z\r\nPath:ssml"
      "\r\n\r\n{}",
      request_id, timestamp, ssml);
}

std::string random_hex_id(bool upper) {
  std::array<unsigned char, 16> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string hex;
  for (const unsigned char b : bytes) hex += upper ? fmt::format("{:02X}", b) : fmt::format("{:02x}", b);
  return hex;
}

std::string TextMessage::path() const { return header_path(headers); }
std::string BinaryMessage::path() const { return header_path(headers); }

Result<TextMessage> parse_text_message(std::string_view frame) {
  const std::size_t end = frame.find("\r\n\r\n");
  if (end == std::string_view::npos) return fail(protocol_error("a text message without headers"));
  TextMessage message;
  message.headers = parse_headers(frame.substr(0, end));
  message.body = std::string(frame.substr(end + 4));
  if (message.path().empty()) return fail(protocol_error("a text message without a Path"));
  return message;
}

Result<BinaryMessage> parse_binary_message(std::span<const std::uint8_t> frame) {
  if (frame.size() < 2) return fail(protocol_error("a binary message shorter than its header"));
  const std::size_t header_length = (std::size_t(frame[0]) << 8) | frame[1];
  if (frame.size() < 2 + header_length)
    return fail(protocol_error("a binary message cut inside its headers"));
  BinaryMessage message;
  message.headers = parse_headers(
      std::string_view(reinterpret_cast<const char*>(frame.data()) + 2, header_length));
  message.payload = frame.subspan(2 + header_length);
  return message;
}

std::vector<std::uint8_t> make_binary_message(std::string_view header_block,
                                              std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> frame;
  frame.reserve(2 + header_block.size() + payload.size());
  frame.push_back(static_cast<std::uint8_t>(header_block.size() >> 8));
  frame.push_back(static_cast<std::uint8_t>(header_block.size() & 0xFF));
  frame.insert(frame.end(), header_block.begin(), header_block.end());
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

Result<std::vector<WordBoundary>> parse_word_boundaries(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("Metadata") || !json["Metadata"].is_array())
    return fail(protocol_error("audio.metadata without a Metadata list"));
  std::vector<WordBoundary> words;
  for (const auto& item : json["Metadata"]) {
    if (!item.is_object() || item.value("Type", "") != "WordBoundary") continue;
    const auto& data = item.value("Data", nlohmann::json::object());
    const auto& text = data.value("text", nlohmann::json::object());
    if (!data.contains("Offset") || !data["Offset"].is_number_integer() ||
        !data.contains("Duration") || !data["Duration"].is_number_integer() ||
        !text.is_object() || !text.contains("Text") || !text["Text"].is_string()) {
      return fail(protocol_error("a WordBoundary without Offset, Duration or Text"));
    }
    words.push_back({data["Offset"].get<std::int64_t>(), data["Duration"].get<std::int64_t>(),
                     text["Text"].get<std::string>()});
  }
  return words;
}

}  // namespace pitchreel::edge
