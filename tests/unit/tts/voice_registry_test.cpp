// VoiceRegistry: backend-prefixed voice ids, plain ids as espeak, and what happens when a
// prefix names a backend that is not configured. Remote backends are real local servers.
#include "tts/voice_registry.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/tts_servers.h"
#include "tts/voice_backends.h"

namespace pitchreel {
namespace {

bool has_voice(const std::vector<Voice>& voices, const std::string& id) {
  return std::ranges::any_of(voices, [&](const Voice& v) { return v.id == id; });
}

TEST(VoiceRegistry, ParsesPrefixes) {
  EXPECT_EQ(parse_voice("openai:alloy").backend, "openai");
  EXPECT_EQ(parse_voice("openai:alloy").voice, "alloy");
  EXPECT_EQ(parse_voice("http:en-US-AriaNeural").voice, "en-US-AriaNeural");
  EXPECT_EQ(parse_voice("espeak:en-us").voice, "en-us");
  EXPECT_EQ(parse_voice("en-us").backend, "espeak");
  EXPECT_EQ(parse_voice("en-us").voice, "en-us");
  EXPECT_EQ(parse_voice("edge:en-US-AriaNeural").backend, "edge");
  EXPECT_EQ(parse_voice("edge:en-US-AriaNeural").voice, "en-US-AriaNeural");
  EXPECT_EQ(voice_locale("edge:de-DE-KatjaNeural"), "de-DE");
  EXPECT_EQ(voice_locale("pt-br"), "pt-br");
  EXPECT_EQ(voice_locale("de"), "de");
  EXPECT_EQ(voice_locale("openai:alloy"), "");
}

TEST(VoiceRegistry, EveryRegisteredBackendHasAPrefixAndAFactory) {
  ASSERT_FALSE(voice_backends().empty());
  EXPECT_EQ(voice_backends().front().prefix, "espeak");
  for (const VoiceBackend& b : voice_backends()) {
    EXPECT_FALSE(b.prefix.empty());
    EXPECT_TRUE(static_cast<bool>(b.make)) << b.prefix;
    EXPECT_EQ(parse_voice(b.prefix + ":x").backend, b.prefix);
  }
}

TEST(VoiceRegistry, LanguageFilterFindsEveryVoiceOfALanguage) {
  ServiceConfig offline;
  offline.edge_tts = false;
  auto voices = make_voice_registry(offline)->voices();
  ASSERT_TRUE(voices.has_value());
  const auto of = [&](std::string_view language) {
    std::vector<std::string> ids;
    for (const Voice& v : *voices)
      if (speaks_language(v, language)) ids.push_back(v.id);
    return ids;
  };
  const auto zh = of("zh");  // `voices --language zh`: Mandarin is "cmn" to espeak
  EXPECT_NE(std::ranges::find(zh, "espeak:cmn"), zh.end());
  const auto pt_br = of("pt-BR");
  EXPECT_NE(std::ranges::find(pt_br, "espeak:pt-br"), pt_br.end());
  EXPECT_EQ(std::ranges::find(pt_br, "espeak:pt"), pt_br.end());
  for (const std::string& id : of("en")) EXPECT_TRUE(id.starts_with("espeak:en")) << id;
  EXPECT_TRUE(of("xx").empty());
  Voice edge{"edge:en-GB-SoniaNeural", "en", "en-GB", "female", "Sonia"};
  EXPECT_TRUE(speaks_language(edge, "en"));
  EXPECT_TRUE(speaks_language(edge, "en-gb"));
  EXPECT_FALSE(speaks_language(edge, "en-US"));
  EXPECT_FALSE(speaks_language(edge, "e"));
}

TEST(VoiceRegistry, DefaultVoiceFollowsTheScriptsLanguage) {
  ServiceConfig offline;
  offline.edge_tts = false;
  auto registry = make_voice_registry(offline);
  EXPECT_EQ(registry->default_voice(""), "en-us");
  EXPECT_EQ(registry->default_voice("en"), "en-us");
  EXPECT_EQ(registry->default_voice("de"), "espeak:de");
  EXPECT_EQ(registry->default_voice("es"), "espeak:es");
  offline.default_voice = "espeak:fr";
  EXPECT_EQ(make_voice_registry(offline)->default_voice("fr"), "espeak:fr");
}

TEST(VoiceRegistry, EspeakVoicesByLanguage) {
  ServiceConfig offline;
  offline.edge_tts = false;
  auto registry = make_voice_registry(offline);
  EXPECT_EQ(registry->voice_for_language("espeak", "de"), "espeak:de");
  EXPECT_EQ(registry->voice_for_language("espeak", "zh"), "espeak:cmn");
  EXPECT_EQ(registry->voice_for_language("espeak", "pt-BR"), "espeak:pt-br");
  EXPECT_EQ(registry->voice_for_language("espeak", "en-US"), "espeak:en-us");
  EXPECT_EQ(registry->voice_for_language("espeak", "xx"), "");
}

TEST(VoiceRegistry, EspeakOnlyWithoutRemoteBackends) {
  ServiceConfig offline;
  offline.edge_tts = false;
  auto registry = make_voice_registry(offline);
  auto voices = registry->voices();
  ASSERT_TRUE(voices.has_value());
  EXPECT_TRUE(has_voice(*voices, "espeak:en-us"));
  EXPECT_FALSE(
      std::ranges::any_of(*voices, [](const Voice& v) { return v.id.rfind("openai:", 0) == 0; }));
  EXPECT_TRUE(registry->check_voice("en-us").has_value());
  EXPECT_TRUE(registry->check_voice("espeak:en-us").has_value());
  auto unknown = registry->check_voice("espeak:klingon");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, "voice_not_found");
  auto unconfigured = registry->check_voice("openai:alloy");
  ASSERT_FALSE(unconfigured.has_value());
  EXPECT_EQ(unconfigured.error().code, "voice_backend_not_configured");
  EXPECT_NE(unconfigured.error().message.find("OPENAI_TTS_URL"), std::string::npos);
  auto plain = registry->synthesize("Hello there.", {"en-us", 165, 50});
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_EQ(plain->words.size(), 2u);
}

TEST(VoiceRegistry, RoutesPrefixedVoicesToTheirService) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  ServiceConfig config;
  config.edge_tts = false;  // hermetic: no voice list from the internet
  config.tts_http_url = server.seed_url();
  config.tts_http_voices = "en-US-AriaNeural, en-GB-RyanNeural";
  config.openai_tts_url = server.base_url();
  config.openai_tts_api_key = "k";
  auto registry = make_voice_registry(config);
  auto voices = registry->voices();
  ASSERT_TRUE(voices.has_value());
  EXPECT_TRUE(has_voice(*voices, "espeak:en-us"));
  EXPECT_TRUE(has_voice(*voices, "http:en-GB-RyanNeural"));
  EXPECT_TRUE(has_voice(*voices, "openai:alloy"));

  auto via_openai = registry->synthesize("Hello there.", {"openai:nova", 165, 50});
  ASSERT_TRUE(via_openai.has_value()) << via_openai.error().message;
  EXPECT_EQ(server.last_request()["voice"], "nova");
  EXPECT_EQ(server.last_request()["input"], "Hello there.");
  auto via_seed = registry->synthesize("Hello again.", {"http:en-GB-RyanNeural", 165, 50});
  ASSERT_TRUE(via_seed.has_value()) << via_seed.error().message;
  EXPECT_EQ(server.last_request()["voice"], "en-GB-RyanNeural");
  EXPECT_EQ(server.last_request()["text"], "Hello again.");
}

}  // namespace
}  // namespace pitchreel
