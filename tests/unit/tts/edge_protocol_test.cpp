// The Edge read-aloud protocol without a network: the Sec-MS-GEC token's arithmetic (known
// answers computed independently with Python's hashlib), SSML escaping and prosody, the
// messages' framing, word boundaries, and mapping boundaries back to the written words.
#include <gtest/gtest.h>

#include <chrono>

#include "tts/edge_protocol.h"
#include "tts/edge_token.h"
#include "tts/edge_word_timing.h"

namespace pitchreel::edge {
namespace {

using std::chrono::system_clock;

system_clock::time_point at_unix(std::int64_t seconds) {
  return system_clock::time_point(std::chrono::seconds(seconds));
}

TEST(EdgeToken, WindowsFileTimeRoundedDownToFiveMinutes) {
  // 2026-12-04 13:02:30 UTC and 13:04:59 share the window that starts at 13:00:00.
  EXPECT_EQ(gec_window_ticks(at_unix(1796389350)), 134408628000000000ull);
  EXPECT_EQ(gec_window_ticks(at_unix(1796389499)), 134408628000000000ull);
  EXPECT_EQ(gec_window_ticks(at_unix(1796389500)), 134408631000000000ull);
  EXPECT_EQ(gec_window_ticks(at_unix(1796389500)) % 3'000'000'000ull, 0u);
  // Sub-second parts never move the window.
  EXPECT_EQ(gec_window_ticks(at_unix(1796389499) + std::chrono::milliseconds(999)),
            134408628000000000ull);
}

TEST(EdgeToken, Sha256OfTicksAndTrustedTokenInUpperHex) {
  EXPECT_EQ(sec_ms_gec(at_unix(1796389350)),
            "7C78F693FD67F4E81D0E7B40C8DFFCC8F1C70D06A30363293A0653701D7147F4");
  EXPECT_EQ(sec_ms_gec(at_unix(1796389500)),
            "61A59A7E976DCCF07CEE400CF9BC85A6F931BBCAE021EFE00C35B831BB84BCEC");
  // Ten minutes off is two windows off: a different token.
  EXPECT_NE(sec_ms_gec(at_unix(1796389350)), sec_ms_gec(at_unix(1796389350 - 600)));
  EXPECT_EQ(sec_ms_gec_version(), "1-130.0.2849.68");
}

TEST(EdgeProtocol, VoiceNames) {
  const auto aria = parse_voice_name("en-US-AriaNeural");
  ASSERT_TRUE(aria);
  EXPECT_EQ(aria->locale, "en-US");
  EXPECT_EQ(aria->language, "en");
  EXPECT_EQ(aria->long_name, "Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)");
  const auto regional = parse_voice_name("zh-CN-liaoning-XiaobeiNeural");
  ASSERT_TRUE(regional);
  EXPECT_EQ(regional->locale, "zh-CN-liaoning");
  EXPECT_EQ(regional->long_name,
            "Microsoft Server Speech Text to Speech Voice (zh-CN-liaoning, XiaobeiNeural)");
  EXPECT_FALSE(parse_voice_name("alloy"));
  EXPECT_FALSE(parse_voice_name("en-US-Aria'><voice name='x"));
  EXPECT_FALSE(parse_voice_name("EN-US-AriaNeural"));
  EXPECT_FALSE(parse_voice_name("en--AriaNeural"));
}

TEST(EdgeProtocol, ProsodyFromRateAndPitch) {
  EXPECT_EQ(prosody_rate(165), "+0%");
  EXPECT_EQ(prosody_rate(200), "+21%");
  EXPECT_EQ(prosody_rate(115), "-30%");
  EXPECT_EQ(prosody_pitch(50), "+0Hz");
  EXPECT_EQ(prosody_pitch(0), "-50Hz");
  EXPECT_EQ(prosody_pitch(80), "+30Hz");
}

TEST(EdgeProtocol, SsmlHasOneVoiceOneProsodyAndEscapedText) {
  const auto voice = *parse_voice_name("de-DE-KatjaNeural");
  const std::string ssml =
      make_ssml("Tom & Jerry's <b>\"Mug\"</b>\v now", voice, 200, 40);
  EXPECT_EQ(ssml,
            "<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='de-DE'>"
            "<voice name='Microsoft Server Speech Text to Speech Voice (de-DE, KatjaNeural)'>"
            "<prosody pitch='-10Hz' rate='+21%' volume='+0%'>"
            "Tom &amp; Jerry&apos;s &lt;b&gt;&quot;Mug&quot;&lt;/b&gt;  now"
            "</prosody></voice></speak>");
}

TEST(EdgeProtocol, SpeechConfigAsksForWordBoundariesAnd24kHzMp3) {
  const std::string message = speech_config_message("Fri Dec 04 2026 13:00:00 GMT+0000");
  const auto parsed = parse_text_message(message);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path(), "speech.config");
  EXPECT_EQ(parsed->headers.at("Content-Type"), "application/json; charset=utf-8");
  ASSERT_FALSE(parsed->body.empty());
  EXPECT_NE(parsed->body.find(R"("wordBoundaryEnabled":"true")"), std::string::npos);
  EXPECT_NE(parsed->body.find(R"("sentenceBoundaryEnabled":"false")"), std::string::npos);
  EXPECT_NE(parsed->body.find(R"("outputFormat":"audio-24khz-48kbitrate-mono-mp3")"),
            std::string::npos);
}

TEST(EdgeProtocol, JsDateAndSsmlMessage) {
  EXPECT_EQ(js_date(at_unix(1796389350)),
            "Fri Dec 04 2026 13:02:30 GMT+0000 (Coordinated Universal Time)");
  const auto parsed = parse_text_message(ssml_message("abc", "T", "<speak/>"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path(), "ssml");
  EXPECT_EQ(parsed->headers.at("X-RequestId"), "abc");
  EXPECT_EQ(parsed->headers.at("X-Timestamp"), "TZ");
  EXPECT_EQ(parsed->body, "<speak/>");
  EXPECT_EQ(random_hex_id().size(), 32u);
  EXPECT_NE(random_hex_id(), random_hex_id());
}

TEST(EdgeProtocol, BinaryFramesRoundTripAndTruncationIsAnError) {
  const std::vector<std::uint8_t> audio = {0xFF, 0xFB, 0x90, 0x00};
  const auto frame = make_binary_message("Path:audio\r\nContent-Type:audio/mpeg\r\n", audio);
  const auto parsed = parse_binary_message(frame);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path(), "audio");
  EXPECT_EQ(std::vector<std::uint8_t>(parsed->payload.begin(), parsed->payload.end()), audio);
  const std::vector<std::uint8_t> cut(frame.begin(), frame.begin() + 10);
  EXPECT_FALSE(parse_binary_message(cut).has_value());
  EXPECT_FALSE(parse_text_message("no headers here").has_value());
}

TEST(EdgeProtocol, WordBoundariesFromMetadata) {
  const auto words = parse_word_boundaries(
      R"({"Metadata":[{"Type":"WordBoundary","Data":{"Offset":1000000,"Duration":2500000,)"
      R"("text":{"Text":"Hello","Length":5,"BoundaryType":"WordBoundary"}}},)"
      R"({"Type":"SessionEnd","Data":{"Offset":9}}]})");
  ASSERT_TRUE(words.has_value());
  ASSERT_EQ(words->size(), 1u);
  EXPECT_EQ((*words)[0].offset_ticks, 1000000);
  EXPECT_EQ((*words)[0].duration_ticks, 2500000);
  EXPECT_EQ((*words)[0].text, "Hello");
  EXPECT_FALSE(parse_word_boundaries(R"({"Metadata":[{"Type":"WordBoundary","Data":{}}]})"));
  EXPECT_FALSE(parse_word_boundaries("not json"));
}

WordBoundary at(double start, double end, std::string text) {
  return {static_cast<std::int64_t>(start * 1e7), static_cast<std::int64_t>((end - start) * 1e7),
          std::move(text)};
}

TEST(EdgeWordTiming, BoundariesLandOnTheWrittenWords) {
  const std::vector<WordBoundary> boundaries = {
      at(0.10, 0.40, "Hello"), at(0.45, 0.80, "world"), at(1.00, 1.20, "USB"),
      at(1.20, 1.50, "C"),     at(1.60, 2.00, "ready")};
  const auto words =
      words_from_boundaries("Hello, world! USB-C — ready.", boundaries, 2.5);
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[0].text, "Hello,");
  EXPECT_DOUBLE_EQ(words[0].start, 0.10);
  EXPECT_DOUBLE_EQ(words[0].end, 0.40);
  EXPECT_EQ(words[2].text, "USB-C");  // two boundaries, one written word
  EXPECT_DOUBLE_EQ(words[2].start, 1.00);
  EXPECT_DOUBLE_EQ(words[2].end, 1.50);
  EXPECT_EQ(words[3].text, "—");  // never spoken: the gap between its neighbours
  EXPECT_DOUBLE_EQ(words[3].start, 1.50);
  EXPECT_DOUBLE_EQ(words[3].end, 1.60);
  EXPECT_EQ(words[4].text, "ready.");
  EXPECT_DOUBLE_EQ(words[4].start, 1.60);
  for (std::size_t i = 1; i < words.size(); ++i) EXPECT_LE(words[i - 1].end, words[i].start);
}

TEST(EdgeWordTiming, CaseAndUnicodeMatchAndMissingBoundariesShareTheGap) {
  const std::vector<WordBoundary> boundaries = {at(0.0, 0.5, "größe"), at(1.5, 2.0, "zwei")};
  const auto words = words_from_boundaries("Größe eins zwei", boundaries, 2.0);
  ASSERT_EQ(words.size(), 3u);
  // ASCII letters fold to lower case; the bytes of "ö" and "ß" match as they are.
  EXPECT_DOUBLE_EQ(words[0].start, 0.0);
  EXPECT_DOUBLE_EQ(words[0].end, 0.5);
  EXPECT_DOUBLE_EQ(words[1].start, 0.5);
  EXPECT_DOUBLE_EQ(words[1].end, 1.5);
  EXPECT_DOUBLE_EQ(words[2].start, 1.5);
  EXPECT_DOUBLE_EQ(words[2].end, 2.0);
}

}  // namespace
}  // namespace pitchreel::edge
