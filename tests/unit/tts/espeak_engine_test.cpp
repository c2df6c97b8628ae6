// Runs the real espeak-ng library: these tests pin down what captions and lip sync rely on.
#include "tts/espeak_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "tts/script_text.h"
#include "tts/word_alignment.h"

namespace pitchreel {
namespace {

Speech speak(std::string_view raw, SpeechOptions options = {}) {
  auto script = normalize_script(raw);
  EXPECT_TRUE(script.has_value());
  EspeakEngine engine;
  auto speech = engine.synthesize(script.value_or("x"), options);
  EXPECT_TRUE(speech.has_value()) << (speech ? "" : speech.error().message);
  return speech.value_or(Speech{});
}

void expect_consistent(const Speech& s) {
  ASSERT_GT(s.sample_rate, 0);
  ASSERT_FALSE(s.samples.empty());
  double previous = 0;
  for (const WordTiming& w : s.words) {
    EXPECT_GE(w.start, previous) << w.text;
    EXPECT_GT(w.end, w.start) << w.text;
    EXPECT_LE(w.end, s.duration()) << w.text;
    previous = w.end;
  }
  previous = 0;
  for (const PhonemeTiming& p : s.phonemes) {
    EXPECT_GE(p.start, previous) << p.phoneme;
    EXPECT_GT(p.end, p.start) << p.phoneme;
    EXPECT_LE(p.end, s.duration()) << p.phoneme;
    previous = p.end;
  }
}

double peak(const Speech& s) {
  float p = 0;
  for (float v : s.samples) p = std::max(p, std::abs(v));
  return p;
}

double longest_silence(const Speech& s) {
  std::size_t run = 0, longest = 0;
  for (float v : s.samples) {
    run = std::abs(v) < 0.01f ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return static_cast<double>(longest) / s.sample_rate;
}

TEST(EspeakEngine, EnglishSpeechHasWordsPhonemesAndSound) {
  const std::string script =
      "Meet the Aurora desk lamp. It has three brightness levels, a USB-C port, and it's "
      "made from recycled aluminium in 2024. Order yours today!";
  const Speech s = speak(script);
  expect_consistent(s);
  EXPECT_EQ(s.sample_rate, 22050);
  EXPECT_GT(s.duration(), 3.0);
  EXPECT_GT(peak(s), 0.1);
  EXPECT_GT(s.phonemes.size(), 50u);

  const auto expected = split_words(script);
  ASSERT_EQ(s.words.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(s.words[i].text, expected[i]);
  // Speech is spread over the words, not piled at the start.
  EXPECT_GT(s.words.back().start, s.duration() * 0.7);
}

TEST(EspeakEngine, FasterRateGivesShorterAudio) {
  const std::string script = "This bottle keeps drinks cold for twenty four hours.";
  const Speech slow = speak(script, {.voice = "en-us", .rate_wpm = 120, .pitch = 50});
  const Speech fast = speak(script, {.voice = "en-us", .rate_wpm = 300, .pitch = 50});
  EXPECT_LT(fast.duration(), slow.duration() * 0.75);
}

TEST(EspeakEngine, SsmlIsSpokenAsTextNotInterpreted) {
  const std::string script = "<speak><break time='3s'/>Hello</speak>";
  const Speech s = speak(script);
  expect_consistent(s);
  ASSERT_FALSE(s.words.empty());
  EXPECT_EQ(s.words.front().text, "<speak><break");
  // An interpreted <break time='3s'/> would be 3 s of silence.
  EXPECT_LT(longest_silence(s), 1.0);
  EXPECT_LT(s.words.front().start, 1.0);
}

TEST(EspeakEngine, PhonemeSyntaxIsSpokenAsText) {
  const Speech s = speak("Say [[h@l'oU]] now");
  expect_consistent(s);
  ASSERT_EQ(s.words.size(), 3u);
  EXPECT_EQ(s.words[1].text, "[[h@l'oU]]");
  // As phoneme input it would be one short "hello"; as text espeak spells the symbols.
  EXPECT_GT(s.words[1].end - s.words[1].start, 0.8);
}

TEST(EspeakEngine, OtherLanguagesWork) {
  struct Case {
    const char* voice;
    const char* text;
  };
  for (const Case& c :
       {Case{"de", "Grüße aus München, die Straße ist schön."},
        Case{"el", "Καλημέρα κόσμε. Τι κάνεις;"}, Case{"ru", "Привет, мир! Как дела?"}}) {
    SCOPED_TRACE(c.voice);
    const Speech s = speak(c.text, {.voice = c.voice});
    expect_consistent(s);
    EXPECT_GT(peak(s), 0.1);
    EXPECT_EQ(s.words.size(), split_words(c.text).size());
    EXPECT_FALSE(s.phonemes.empty());
  }
}

TEST(EspeakEngine, VoicesIncludeAmericanEnglish) {
  EspeakEngine engine;
  auto voices = engine.voices();
  ASSERT_TRUE(voices.has_value());
  ASSERT_FALSE(voices->empty());
  const auto en_us = std::ranges::find(*voices, std::string("en-us"), &Voice::id);
  ASSERT_NE(en_us, voices->end());
  EXPECT_EQ(en_us->language, "en");
  EXPECT_EQ(en_us->locale, "en-US");
  EXPECT_FALSE(en_us->name.empty());
  // Mandarin is "cmn" to espeak, but it also answers to "zh": the ISO code is listed.
  const auto mandarin = std::ranges::find(*voices, std::string("cmn"), &Voice::id);
  ASSERT_NE(mandarin, voices->end());
  EXPECT_EQ(mandarin->language, "zh");
  EXPECT_EQ(mandarin->locale, "cmn");
  EXPECT_TRUE(en_us->gender == "male" || en_us->gender == "female" || en_us->gender == "unknown");
  // Every listed id is accepted by synthesize().
  for (const char* id : {"de", "el", "ru", "en-gb", "EN-US", "English (America)"}) {
    EXPECT_TRUE(engine.synthesize("ok", {.voice = id}).has_value()) << id;
  }
}

TEST(EspeakEngine, UnknownVoiceAndBadOptionsAreInvalidInput) {
  EspeakEngine engine;
  auto unknown = engine.synthesize("Hello", {.voice = "klingon-xx"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, "voice_not_found");
  EXPECT_NE(unknown.error().message.find("pitchreel voices"), std::string::npos);

  for (const SpeechOptions& bad : {SpeechOptions{.rate_wpm = 79}, SpeechOptions{.rate_wpm = 451},
                                   SpeechOptions{.pitch = -1}, SpeechOptions{.pitch = 101}}) {
    auto result = engine.synthesize("Hello", bad);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "invalid_speech_options");
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST(EspeakEngine, ControlCharactersNeverReachTheEngine) {
  const Speech s = speak("Hello\x01\x02 there\x1B[31m friend\n");
  expect_consistent(s);
  ASSERT_EQ(s.words.size(), 3u);
  EXPECT_EQ(s.words[1].text, "there[31m");
}

TEST(EspeakEngine, SafeFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<double> durations(4);
  for (std::size_t i = 0; i < durations.size(); ++i) {
    threads.emplace_back([&, i] {
      EspeakEngine engine;
      auto s = engine.synthesize("The same sentence from every thread.", {});
      durations[i] = s ? s->duration() : -1;
    });
  }
  for (auto& t : threads) t.join();
  // espeak carries a little waveform state between calls, so allow a few samples.
  for (double d : durations) EXPECT_NEAR(d, durations.front(), 0.01);
  EXPECT_GT(durations.front(), 0.5);
}

}  // namespace
}  // namespace pitchreel
