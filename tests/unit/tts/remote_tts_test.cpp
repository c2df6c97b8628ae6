// The remote TTS engines against a real local speech service (tests/support/tts_servers.h)
// that speaks both contracts and answers real MP3 of real speech.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "support/loopback_server.h"
#include "support/tts_servers.h"
#include "tts/http_tts_engine.h"
#include "tts/openai_tts_engine.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

using testing::Fault;

constexpr const char* kScript =
    "Meet the Aurora bottle. It keeps your coffee hot for twelve hours.";

RemoteTtsSettings settings_for(const std::string& url) {
  RemoteTtsSettings s;
  s.url = url;
  s.voices = {"en-US-AriaNeural"};
  s.timeout_s = 20;
  s.retry.first_backoff = std::chrono::milliseconds(20);
  return s;
}

TEST(HttpTtsEngine, SpeaksTheSeedContractAndDecodesTheMp3) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server.seed_url());
  settings.api_key = "tts-secret";
  server.require_key("tts-secret");
  HttpTtsEngine engine(settings);
  SpeechOptions options;
  options.voice = "en-US-AriaNeural";
  auto speech = engine.synthesize(kScript, options);
  ASSERT_TRUE(speech.has_value()) << speech.error().message;

  const auto request = server.last_request();
  EXPECT_EQ(request["text"], kScript);
  EXPECT_EQ(request["voice"], "en-US-AriaNeural");
  EXPECT_EQ(request["_authorization"], "Bearer tts-secret");
  const Speech truth = server.last_speech();
  EXPECT_NEAR(speech->duration(), truth.duration(), 0.1);
  ASSERT_EQ(speech->words.size(), split_words(kScript).size());
  EXPECT_EQ(speech->words.front().text, "Meet");
  EXPECT_EQ(speech->words.back().text, "hours.");
  for (std::size_t i = 1; i < speech->words.size(); ++i) {
    EXPECT_LT(speech->words[i].start, speech->words[i].end);
    EXPECT_LE(speech->words[i - 1].end, speech->words[i].start + 1e-9);
  }
}

// Forced alignment cannot say "12" (sphinx_alignment.h): the energy aligner times the
// words instead, and the caller sees no difference in the result's shape.
TEST(HttpTtsEngine, WordsTheAlignerCannotSayStillGetTimings) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  HttpTtsEngine engine(settings_for(server.seed_url()));
  const std::string script = "It keeps your coffee hot for 12 hours.";
  auto speech = engine.synthesize(script, {});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  ASSERT_EQ(speech->words.size(), split_words(script).size());
  EXPECT_EQ(speech->words[6].text, "12");
  for (std::size_t i = 1; i < speech->words.size(); ++i) {
    EXPECT_LT(speech->words[i].start, speech->words[i].end);
    EXPECT_LE(speech->words[i - 1].end, speech->words[i].start + 1e-9);
  }
}

TEST(OpenAiTtsEngine, SendsModelInputVoiceFormatAndSpeed) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  auto settings = settings_for(server.base_url());
  settings.model = "kokoro";
  OpenAiTtsEngine engine(settings);
  SpeechOptions options;
  options.voice = "alloy";
  options.rate_wpm = 198;
  auto speech = engine.synthesize(kScript, options);
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  const auto request = server.last_request();
  EXPECT_EQ(request["model"], "kokoro");
  EXPECT_EQ(request["input"], kScript);
  EXPECT_EQ(request["voice"], "alloy");
  EXPECT_EQ(request["response_format"], "mp3");
  EXPECT_NEAR(request["speed"].get<double>(), 198.0 / 165.0, 1e-6);
  EXPECT_EQ(request["_authorization"], "");
  EXPECT_NEAR(speech->duration(), server.last_speech().duration(), 0.1);
}

TEST(OpenAiTtsEngine, EndpointFromBaseOrFullUrl) {
  EXPECT_EQ(openai_speech_endpoint("http://h:8880"), "http://h:8880/v1/audio/speech");
  EXPECT_EQ(openai_speech_endpoint("http://h:8880/"), "http://h:8880/v1/audio/speech");
  EXPECT_EQ(openai_speech_endpoint("http://h/v1"), "http://h/v1/audio/speech");
  EXPECT_EQ(openai_speech_endpoint("http://h/v1/audio/speech"), "http://h/v1/audio/speech");
}

TEST(RemoteTtsFaults, ServiceUnavailableIsRetriedThenSucceeds) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kStatus503);
  HttpTtsEngine engine(settings_for(server.seed_url()));
  auto speech = engine.synthesize(kScript, {});
  ASSERT_TRUE(speech.has_value()) << speech.error().message;
  EXPECT_EQ(server.faults().requests(), 2);
}

TEST(RemoteTtsFaults, BadRequestIsNotRetried) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kStatus400, 3);
  HttpTtsEngine engine(settings_for(server.seed_url()));
  auto speech = engine.synthesize(kScript, {});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_rejected");
  EXPECT_NE(speech.error().message.find("HTTP 400"), std::string::npos) << speech.error().message;
  EXPECT_EQ(server.faults().requests(), 1);
}

TEST(RemoteTtsFaults, WrongKeyNamesTheSetting) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  server.require_key("right");
  auto settings = settings_for(server.base_url());
  settings.api_key = "wrong";
  OpenAiTtsEngine engine(settings);
  auto speech = engine.synthesize(kScript, {"alloy", 165, 50});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_unauthorized");
  EXPECT_NE(speech.error().message.find("OPENAI_TTS_API_KEY"), std::string::npos);
  EXPECT_EQ(speech.error().message.find("wrong"), std::string::npos) << "the key leaked";
}

TEST(RemoteTtsFaults, ConnectionRefusedSaysSo) {
  auto settings =
      settings_for("http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/tts");
  settings.retry.attempts = 2;
  HttpTtsEngine engine(settings);
  auto speech = engine.synthesize(kScript, {});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_unreachable");
  EXPECT_NE(speech.error().message.find("connection refused"), std::string::npos);
  EXPECT_NE(speech.error().message.find("2 attempts"), std::string::npos) << speech.error().message;
}

TEST(RemoteTtsFaults, HangPastTheTimeoutFailsWithTimeout) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  server.faults().push(Fault::kHang, 2);
  auto settings = settings_for(server.seed_url());
  settings.timeout_s = 1;
  settings.retry.attempts = 2;
  HttpTtsEngine engine(settings);
  auto speech = engine.synthesize(kScript, {});
  ASSERT_FALSE(speech.has_value());
  EXPECT_EQ(speech.error().code, "tts_timeout");
  EXPECT_NE(speech.error().message.find("TTS_TIMEOUT_S"), std::string::npos);
  EXPECT_EQ(server.faults().requests(), 2);  // a timeout before any answer is retried
}

TEST(RemoteTtsFaults, NonAudioAnswersAreBadOutput) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  HttpTtsEngine engine(settings_for(server.seed_url()));
  server.faults().push(Fault::kHtml);
  auto html = engine.synthesize(kScript, {});
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().code, "tts_bad_output");
  EXPECT_NE(html.error().message.find("text/html"), std::string::npos) << html.error().message;
  server.faults().push(Fault::kGarbage);
  auto garbage = engine.synthesize(kScript, {});
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, "tts_bad_output");
}

TEST(RemoteTtsFormats, OpusAacAndWavAnswersDecode) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  server.set_format(testing::AudioFormat::kOpus);
  HttpTtsEngine opus(settings_for(server.seed_url()));
  auto a = opus.synthesize(kScript, {});
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_NEAR(a->duration(), server.last_speech().duration(), 0.1);
  server.set_format(testing::AudioFormat::kAac);
  auto b = opus.synthesize(kScript, {});
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_NEAR(b->duration(), server.last_speech().duration(), 0.1);
}

}  // namespace
}  // namespace pitchreel
