// Caption timing for remote speech (issue 7): espeak-ng speech, whose word times espeak
// reports itself, is served as MP3 by a local speech service and goes through the remote
// path (HTTP, MP3 decode, word timings recovered from audio + script: PocketSphinx forced
// alignment, sphinx_alignment.h). The recovered word onsets are compared with espeak's.
// Target: 95th percentile of the error under 150 ms; forced alignment is asserted well
// inside that (p95 < 80 ms, median < 25 ms).
//
// The energy aligner the remote path falls back to (audio_alignment.h) is measured on the
// same audio and printed, not asserted: with its espeak-ng duration prior at the normal
// rate (which flatters it: the served speech is espeak-ng too), and with syllable counts
// alone (what a script espeak cannot speak gets). The runs at speed 1.27 and 0.73 have
// timing the prior did not produce.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "media/audio_decode.h"
#include "support/tts_servers.h"
#include "tts/audio_alignment.h"
#include "tts/espeak_engine.h"
#include "tts/http_tts_engine.h"
#include "tts/openai_tts_engine.h"

namespace pitchreel {
namespace {

const char* const kScripts[] = {
    "Meet the Aurora bottle. It keeps your coffee hot for twelve hours, and your water cold "
    "for a whole day.",
    "Tired of tangled cables? The Orbit charging pad powers your phone, your watch and your "
    "earbuds at once.",
    "This handmade leather wallet holds eight cards and still slips into a front pocket. Order "
    "yours today.",
    "Our trail shoes grip wet rock, dry fast, and weigh less than a can of soda. Run further "
    "this weekend.",
    "The Lumen desk lamp adjusts its warmth to the time of day, so late nights feel easier on "
    "your eyes.",
    "Fresh beans, roasted every Monday in small batches and shipped the same week, straight to "
    "your door.",
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

struct Errors {
  std::vector<double> engine;    // the engine's own result (forced alignment)
  std::vector<double> energy;    // the same audio, energy aligner with the espeak prior
  std::vector<double> syllable;  // the same audio, energy aligner with syllable counts only
};

void measure(TtsEngine& engine, testing::TtsContractServer& server, int rate_wpm, Errors& out) {
  for (const char* script : kScripts) {
    SpeechOptions options;
    options.voice = "alloy";
    options.rate_wpm = rate_wpm;
    auto speech = engine.synthesize(script, options);
    ASSERT_TRUE(speech.has_value()) << speech.error().message;
    const Speech truth = server.last_speech();
    ASSERT_EQ(speech->words.size(), truth.words.size()) << script;
    EspeakEngine reference;
    auto reference_speech = reference.synthesize(script, {});
    ASSERT_TRUE(reference_speech.has_value());
    const auto energy = align_script_to_audio(script, speech->samples, speech->sample_rate,
                                              reference_prior(script, reference_speech->words));
    const auto syllable =
        align_script_to_audio(script, speech->samples, speech->sample_rate, syllable_prior(script));
    for (std::size_t i = 0; i < truth.words.size(); ++i) {
      EXPECT_EQ(speech->words[i].text, truth.words[i].text);
      out.engine.push_back(std::abs(speech->words[i].start - truth.words[i].start));
      out.energy.push_back(std::abs(energy[i].start - truth.words[i].start));
      out.syllable.push_back(std::abs(syllable[i].start - truth.words[i].start));
      if (std::getenv("PITCHREEL_TIMING_DETAIL")) {
        std::printf("%-12s true %.3f got %.3f err %+.0f ms (energy %+.0f ms)\n",
                    truth.words[i].text.c_str(), truth.words[i].start, speech->words[i].start,
                    (speech->words[i].start - truth.words[i].start) * 1000,
                    (energy[i].start - truth.words[i].start) * 1000);
      }
    }
  }
}

void report(const char* name, const Errors& e) {
  std::printf(
      "remote caption timing [%s]: words=%zu median_onset_error_ms=%.1f p95_onset_error_ms=%.1f "
      "max_ms=%.1f | energy, espeak prior: median_ms=%.1f p95_ms=%.1f | energy, syllables: "
      "median_ms=%.1f p95_ms=%.1f\n",
      name, e.engine.size(), quantile(e.engine, 0.5) * 1000, quantile(e.engine, 0.95) * 1000,
      *std::max_element(e.engine.begin(), e.engine.end()) * 1000, quantile(e.energy, 0.5) * 1000,
      quantile(e.energy, 0.95) * 1000, quantile(e.syllable, 0.5) * 1000,
      quantile(e.syllable, 0.95) * 1000);
}

void expect_on_target(const Errors& e) {
  EXPECT_LT(quantile(e.engine, 0.95), 0.080);
  EXPECT_LT(quantile(e.engine, 0.5), 0.025);
}

TEST(RemoteCaptionTiming, SeedContractMp3AtNormalRate) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  RemoteTtsSettings settings;
  settings.url = server.seed_url();
  HttpTtsEngine engine(settings);
  Errors errors;
  measure(engine, server, 165, errors);
  report("seed mp3, 165 wpm", errors);
  expect_on_target(errors);
}

// The OpenAI contract at `wpm` (its `speed` is wpm / 165).
void measure_openai(int wpm, const char* label) {
  testing::TtsContractServer server;
  ASSERT_TRUE(server.ok());
  RemoteTtsSettings settings;
  settings.url = server.base_url();
  OpenAiTtsEngine engine(settings);
  Errors errors;
  measure(engine, server, wpm, errors);
  report(label, errors);
  expect_on_target(errors);
}

TEST(RemoteCaptionTiming, OpenAiContractMp3AtFasterSpeed) {
  measure_openai(210, "openai mp3, speed 1.27");
}

TEST(RemoteCaptionTiming, OpenAiContractMp3AtSlowerSpeed) {
  measure_openai(120, "openai mp3, speed 0.73");
}

}  // namespace
}  // namespace pitchreel
