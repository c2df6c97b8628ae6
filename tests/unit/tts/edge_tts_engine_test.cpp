// EdgeTtsEngine against a local server speaking the read-aloud protocol over TLS on
// loopback (tests/support/edge_servers.h, a CA made at test time): real MP3 with word
// boundaries, the token and headers the server checks, a client clock ten minutes off,
// and the faults: a cut stream, 403 forever, a stall; the circuit breaker, the voice list
// and its cache, and the registry's offline fallback.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "support/edge_servers.h"
#include "support/test_support.h"
#include "tts/edge_token.h"
#include "tts/edge_tts_engine.h"
#include "tts/edge_voice_list.h"
#include "tts/voice_registry.h"

namespace pitchreel {
namespace {

using testing::EdgeTtsServer;
using Fault = EdgeTtsServer::Fault;

edge::EdgeSettings settings_for(const EdgeTtsServer& server) {
  edge::EdgeSettings s;
  s.base_url = server.base_url();
  s.ca_file = server.ca_file();
  s.connect_timeout_s = 20;
  s.timeout_s = 60;
  s.idle_timeout_s = 20;
  return s;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

TEST(EdgeTtsEngine, StreamsMp3WithWordBoundariesAsWordTimings) {
  EdgeTtsServer server;
  ASSERT_TRUE(server.ok());
  EdgeTtsEngine engine(settings_for(server));
  const std::string script = "Meet the Aurora mug: it keeps coffee hot for 12 hours & more.";
  auto speech = engine.synthesize(script, {"en-US-AriaNeural", 200, 40});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;

  const Speech served = server.last_speech();
  EXPECT_EQ(speech->sample_rate, 24000);
  EXPECT_NEAR(speech->duration(), served.duration(), 0.1);  // MP3 frame padding at most
  ASSERT_EQ(speech->words.size(), 13u);
  ASSERT_EQ(served.words.size(), speech->words.size());
  constexpr std::size_t kAmpersand = 11;  // its boundary has no letters: it gets the gap
  for (std::size_t i = 0; i < speech->words.size(); ++i) {
    // The written words, with their punctuation, timed by the service's boundaries.
    EXPECT_EQ(speech->words[i].text, served.words[i].text);
    if (i == kAmpersand) continue;
    EXPECT_NEAR(speech->words[i].start, served.words[i].start, 0.001) << i;
    EXPECT_NEAR(speech->words[i].end, served.words[i].end, 0.011) << i;
  }
  EXPECT_EQ(speech->words[3].text, "mug:");
  EXPECT_DOUBLE_EQ(speech->words[kAmpersand].start, speech->words[kAmpersand - 1].end);
  EXPECT_DOUBLE_EQ(speech->words[kAmpersand].end, speech->words[kAmpersand + 1].start);
  EXPECT_TRUE(speech->phonemes.empty());  // the presenter follows the audio
  // The audio is speech, not silence.
  double energy = 0;
  for (const float s : speech->samples) energy += double(s) * s;
  EXPECT_GT(std::sqrt(energy / double(speech->samples.size())), 0.01);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.status, 101);
  EXPECT_EQ(r.query.at("TrustedClientToken"), edge::kTrustedClientToken);
  EXPECT_EQ(r.query.at("Sec-MS-GEC-Version"), edge::sec_ms_gec_version());
  EXPECT_TRUE(std::regex_match(r.query.at("Sec-MS-GEC"), std::regex("[0-9A-F]{64}")));
  EXPECT_TRUE(std::regex_match(r.query.at("ConnectionId"), std::regex("[0-9a-f]{32}")));
  EXPECT_EQ(r.headers.at("Origin"), "chrome-extension://jdiccldimpdaibmpdkjnbmckianbfold");
  EXPECT_NE(r.headers.at("User-Agent").find("Edg/130"), std::string::npos);
  EXPECT_EQ(r.headers.at("Pragma"), "no-cache");
  EXPECT_EQ(r.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(r.headers.at("Accept-Language"), "en-US,en;q=0.9");
  EXPECT_TRUE(std::regex_match(r.headers.at("Cookie"), std::regex("muid=[0-9A-F]{32};")));

  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_NE(r.messages[0].find("Path:speech.config"), std::string::npos);
  EXPECT_NE(r.messages[0].find(R"("wordBoundaryEnabled":"true")"), std::string::npos);
  EXPECT_NE(r.messages[0].find("audio-24khz-48kbitrate-mono-mp3"), std::string::npos);
  const std::string& ssml = r.messages[1];
  EXPECT_NE(ssml.find("Path:ssml"), std::string::npos);
  EXPECT_EQ(count(ssml, "<voice "), 1u);
  EXPECT_EQ(count(ssml, "<prosody "), 1u);
  EXPECT_NE(ssml.find("(en-US, AriaNeural)"), std::string::npos);
  EXPECT_NE(ssml.find("rate='+21%'"), std::string::npos);
  EXPECT_NE(ssml.find("pitch='-10Hz'"), std::string::npos);
  EXPECT_NE(ssml.find("12 hours &amp; more."), std::string::npos);
}

TEST(EdgeTtsEngine, ClockTenMinutesBehindIsCorrectedFromTheDateOfA403) {
  EdgeTtsServer server;
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server);
  settings.clock = [] { return std::chrono::system_clock::now() - std::chrono::minutes(10); };
  EdgeTtsEngine engine(settings);
  auto speech = engine.synthesize("Hello from a slow clock.", {"en-US-AriaNeural", 165, 50});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 403);
  EXPECT_EQ(requests[1].status, 101);
  EXPECT_NE(requests[0].query.at("Sec-MS-GEC"), requests[1].query.at("Sec-MS-GEC"));
  EXPECT_NEAR(engine.clock_offset_s(), 600, 3);

  // The correction is kept: the next synthesis is accepted at once.
  auto again = engine.synthesize("And again.", {"en-US-AriaNeural", 165, 50});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  const auto after = server.requests();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2].status, 101);
}

TEST(EdgeTtsEngine, ForbiddenForeverFailsAfterOneRetryAndOpensTheBreaker) {
  EdgeTtsServer server(Fault::kForbidAlways);
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server);
  settings.unhealthy_after = 2;
  settings.probe_s = 600;
  EdgeTtsEngine engine(settings);
  auto first = engine.synthesize("Hello.", {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, "tts_unavailable");
  EXPECT_EQ(first.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(first.error().message.find("HTTP 403"), std::string::npos) << first.error().message;
  EXPECT_NE(first.error().message.find("PITCHREEL_TTS_FALLBACK=espeak"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 2u);  // the first try and one retry with the server's clock

  auto second = engine.synthesize("Hello.", {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, "tts_unavailable");
  EXPECT_EQ(server.requests().size(), 4u);

  auto refused = engine.synthesize("Hello.", {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "tts_unhealthy");
  EXPECT_EQ(server.requests().size(), 4u);  // no job waits on a service known to be down
}

TEST(EdgeTtsEngine, StreamCutMidwayIsUnavailable) {
  EdgeTtsServer server(Fault::kDisconnectMidStream);
  ASSERT_TRUE(server.ok());
  EdgeTtsEngine engine(settings_for(server));
  auto speech = engine.synthesize("This stream will be cut in the middle of the audio.",
                                  {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_unavailable");
  EXPECT_NE(speech.error().message.find("ended before the speech was complete"), std::string::npos)
      << speech.error().message;
  EXPECT_NE(speech.error().message.find("after part of the audio"), std::string::npos);
}

TEST(EdgeTtsEngine, StallPastTheIdleTimeoutIsUnavailable) {
  EdgeTtsServer server(Fault::kStall);
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server);
  settings.idle_timeout_s = 1;
  EdgeTtsEngine engine(settings);
  const auto started = std::chrono::steady_clock::now();
  auto speech = engine.synthesize("This stream will stall in the middle of the audio.",
                                  {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_unavailable");
  EXPECT_NE(speech.error().message.find("stalled"), std::string::npos) << speech.error().message;
  // It gave up on the stall, not on the 60 s turn timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(50));
}

TEST(EdgeTtsEngine, BadVoiceAndUntrustedCertificate) {
  EdgeTtsServer server;
  ASSERT_TRUE(server.ok());
  EdgeTtsEngine engine(settings_for(server));
  auto bad = engine.synthesize("Hello.", {"Aria'/>", 165, 50});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "voice_not_found");
  EXPECT_TRUE(server.requests().empty());

  auto untrusting = settings_for(server);
  untrusting.ca_file.clear();  // the system's CAs do not know the test CA
  EdgeTtsEngine strict(untrusting);
  auto refused = strict.synthesize("Hello.", {"en-US-AriaNeural", 165, 50});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "tts_unavailable");
  EXPECT_NE(refused.error().message.find("TLS"), std::string::npos) << refused.error().message;
}

TEST(EdgeVoiceList, FetchedThenCachedThenStaleThenBuiltIn) {
  testing::TempDir dir;
  auto settings = [&] {
    edge::EdgeSettings s;
    s.voice_cache = dir / "edge-voices.json";
    return s;
  }();
  {
    EdgeTtsServer server;
    ASSERT_TRUE(server.ok());
    auto s = settings;
    s.base_url = server.base_url();
    s.ca_file = server.ca_file();
    const auto list = edge::load_voice_list(s);
    EXPECT_EQ(list.source, "service");
    EXPECT_TRUE(list.note.empty());
    ASSERT_EQ(list.voices.size(), 3u);
    EXPECT_EQ(list.voices[1].id, "de-DE-ConradNeural");
    EXPECT_EQ(list.voices[1].gender, "male");
    EXPECT_EQ(list.voices[1].locale, "de-DE");
    EXPECT_EQ(list.voices[1].language, "de");
    EXPECT_NE(list.voices[1].name.find("Conrad"), std::string::npos);
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_TRUE(std::regex_match(server.requests()[0].query.at("Sec-MS-GEC"),
                                 std::regex("[0-9A-F]{64}")));
    // Within the TTL the cache answers; the server is not asked again.
    EXPECT_EQ(edge::load_voice_list(s).source, "cache");
    EXPECT_EQ(server.requests().size(), 1u);
  }
  {
    EdgeTtsServer server(Fault::kForbidAlways);
    ASSERT_TRUE(server.ok());
    auto s = settings;
    s.base_url = server.base_url();
    s.ca_file = server.ca_file();
    s.voice_list_ttl_s = 0;  // expired: fetch, fail, fall back to the old list
    const auto list = edge::load_voice_list(s);
    EXPECT_EQ(list.source, "stale cache");
    EXPECT_EQ(list.voices.size(), 3u);
    EXPECT_NE(list.note.find("HTTP 403"), std::string::npos) << list.note;

    s.voice_cache = dir / "missing" / "voices.json";
    s.base_url += "/other";  // not the URL that failed a moment ago
    const auto built_in = edge::load_voice_list(s);
    EXPECT_EQ(built_in.source, "built-in");
    EXPECT_FALSE(built_in.note.empty());
    for (const char* language : {"en", "de", "fr", "es", "it", "pt", "nl", "pl"}) {
      EXPECT_TRUE(std::ranges::any_of(built_in.voices,
                                      [&](const Voice& v) { return v.language == language; }))
          << language;
    }
  }
}

TEST(EdgeVoiceRegistry, EdgeVoicesListedAndFallbackToEspeakWithAWarning) {
  EdgeTtsServer server(Fault::kForbidAlways);
  ASSERT_TRUE(server.ok());
  testing::TempDir dir;
  ServiceConfig config;
  config.data_dir = dir.path();
  config.edge_tts_url = server.base_url();
  config.edge_tts_ca_file = server.ca_file();
  config.hallo3_unhealthy_after = 100;
  {
    auto registry = make_voice_registry(config);
    auto failed = registry->synthesize("Guten Tag.", {"edge:de-DE-ConradNeural", 165, 50});
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().code, "tts_unavailable");
  }
  config.tts_fallback = "espeak";
  auto registry = make_voice_registry(config);
  auto speech = registry->synthesize("Guten Tag.", {"edge:de-DE-ConradNeural", 165, 50});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  ASSERT_EQ(speech->warnings.size(), 1u);
  EXPECT_NE(speech->warnings[0].find("espeak:de"), std::string::npos) << speech->warnings[0];
  EXPECT_NE(speech->warnings[0].find("PITCHREEL_TTS_FALLBACK=espeak"), std::string::npos);
  EXPECT_EQ(speech->words.size(), 2u);

  // The list could not be fetched: the built-in selection, said so.
  auto voices = registry->voices();
  ASSERT_TRUE(voices.has_value());
  EXPECT_TRUE(std::ranges::any_of(*voices, [](const Voice& v) { return v.id == "edge:de-DE-KatjaNeural"; }));
  EXPECT_NE(registry->voices_note().find("built-in"), std::string::npos);
  EXPECT_TRUE(registry->check_voice("edge:de-DE-ConradNeural").has_value());
  EXPECT_FALSE(registry->check_voice("edge:").has_value());

  // An operator who made an Edge voice the default gets Edge voices for other languages.
  config.default_voice = "edge:en-US-AriaNeural";
  auto edge_default = make_voice_registry(config);
  EXPECT_EQ(edge_default->default_voice("en"), "edge:en-US-AriaNeural");
  EXPECT_EQ(edge_default->default_voice("de"), "edge:de-DE-KatjaNeural");
  EXPECT_EQ(edge_default->default_voice("pl"), "edge:pl-PL-ZofiaNeural");

  config.edge_tts = false;
  auto without = make_voice_registry(config);
  auto off = without->check_voice("edge:en-US-AriaNeural");
  ASSERT_FALSE(off.has_value());
  EXPECT_EQ(off.error().code, "voice_backend_not_configured");
  EXPECT_NE(off.error().message.find("EDGE_TTS"), std::string::npos);
}

}  // namespace
}  // namespace pitchreel
