#include "presenter/mouth_track.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "presenter/viseme.h"

namespace pitchreel {
namespace {

constexpr int kFps = 30;

TEST(Viseme, EspeakMnemonicsMapToMouthShapes) {
  for (const char* p : {"m", "b", "p"}) EXPECT_EQ(viseme_for_phoneme(p), Viseme::kClosed) << p;
  for (const char* p : {"f", "v"}) EXPECT_EQ(viseme_for_phoneme(p), Viseme::kFV) << p;
  for (const char* p : {"u:", "w", "oU", "O:", "0", "OI"})
    EXPECT_EQ(viseme_for_phoneme(p), Viseme::kRound) << p;
  for (const char* p : {"a", "aI", "aU", "A:", "V", "@"})
    EXPECT_EQ(viseme_for_phoneme(p), Viseme::kOpen) << p;
  for (const char* p : {"i:", "I", "E", "eI", "I2"})
    EXPECT_EQ(viseme_for_phoneme(p), Viseme::kWide) << p;
  for (const char* p : {"s", "t", "d", "n", "k", "tS", "dZ", "T", "D", "S", "l", "r", "t#"}) {
    EXPECT_EQ(viseme_for_phoneme(p), Viseme::kTeeth) << p;
  }
  for (const char* p : {"_", "_:", "_!", "", ";"})
    EXPECT_EQ(viseme_for_phoneme(p), Viseme::kRest) << p;
  EXPECT_EQ(viseme_for_phoneme("'a"), Viseme::kOpen) << "stress marks are ignored";
  EXPECT_GT(pose_for(Viseme::kOpen).opening(), pose_for(Viseme::kWide).opening());
  EXPECT_LT(pose_for(Viseme::kRound).spread, 0);
  EXPECT_GT(pose_for(Viseme::kWide).spread, 0);
  EXPECT_EQ(pose_for(Viseme::kClosed).opening(), 0);
}

std::vector<FrameFeatures> voiced(std::size_t n, float loudness = 0.8f) {
  FrameFeatures f;
  f.silent = false;
  f.loudness = loudness;
  return std::vector<FrameFeatures>(n, f);
}

TEST(MouthTrack, PhonemesOpenCloseAndAnticipate) {
  // "_ ma ma _": lips must visibly close for each m, open for each a.
  const std::vector<PhonemeTiming> ph = {{"_", 0.0, 0.5}, {"m", 0.5, 0.6},  {"a:", 0.6, 0.9},
                                         {"m", 0.9, 1.0}, {"a:", 1.0, 1.3}, {"_", 1.3, 2.0}};
  auto features = voiced(60);
  for (int i = 0; i < 15; ++i) features[static_cast<std::size_t>(i)].silent = true;
  for (int i = 40; i < 60; ++i) features[static_cast<std::size_t>(i)].silent = true;
  const auto track = mouth_track_from_phonemes(ph, features, kFps, 0);
  ASSERT_EQ(track.size(), 60u);
  for (int i = 0; i < 14; ++i) EXPECT_LT(track[static_cast<std::size_t>(i)].opening(), 0.05f) << i;
  // Open on the vowels, closed on the second m (0.9-1.0 s, frames 27-29).
  EXPECT_GT(track[22].opening(), 0.5f);
  EXPECT_GT(track[35].opening(), 0.5f);
  const float closure = std::min({track[27].opening(), track[28].opening(), track[29].opening()});
  EXPECT_LT(closure, 0.1f);
  // Anticipation: the mouth starts opening for the first vowel (0.6 s = frame 18) before it.
  EXPECT_GT(track[17].opening(), 0.1f);
  // No flicker: no single frame jumps away from both neighbours.
  for (std::size_t i = 1; i + 1 < track.size(); ++i) {
    const float a = track[i - 1].opening(), b = track[i].opening(), c = track[i + 1].opening();
    EXPECT_FALSE((b - a > 0.3f && b - c > 0.3f) || (a - b > 0.3f && c - b > 0.3f)) << i;
  }
}

TEST(MouthTrack, OneFrameClosureIsHeldForTwoFrames) {
  // A 20 ms "b" between two vowels: shorter than a frame, but the lips must meet.
  const std::vector<PhonemeTiming> ph = {{"a:", 0.0, 0.5}, {"b", 0.5, 0.52}, {"a:", 0.52, 1.0}};
  const auto track = mouth_track_from_phonemes(ph, voiced(30), kFps, 0);
  int closed = 0;
  for (const auto& p : track) closed += p.opening() < 0.15f;
  EXPECT_GE(closed, 2);
}

TEST(MouthTrack, LoudnessScalesTheOpening) {
  const std::vector<PhonemeTiming> ph = {{"a:", 0.0, 1.0}};
  const auto loud = mouth_track_from_phonemes(ph, voiced(30, 1.0f), kFps, 0);
  const auto quiet = mouth_track_from_phonemes(ph, voiced(30, 0.2f), kFps, 0);
  EXPECT_GT(loud[15].opening(), quiet[15].opening() * 1.3f);
}

TEST(MouthTrack, AudioTrackClosedInSilenceOpenOnLoudVowelsOnTime) {
  // 1 s silence, 1 s of a voiced vowel-like tone (harmonics of 140 Hz), 1 s silence.
  constexpr int kRate = 16000;
  std::vector<float> samples(3 * kRate, 0.0f);
  for (int i = kRate; i < 2 * kRate; ++i) {
    const double t = static_cast<double>(i) / kRate;
    double s = 0;
    for (int h = 1; h <= 8; ++h) s += std::sin(2 * std::numbers::pi * 140 * h * t) / h;
    samples[static_cast<std::size_t>(i)] = static_cast<float>(0.3 * s);
  }
  const auto features = analyse_speech(samples, kRate, kFps, 0, 90);
  const auto track = mouth_track_from_audio(features);
  ASSERT_EQ(track.size(), 90u);
  for (int i = 0; i < 28; ++i) EXPECT_EQ(track[static_cast<std::size_t>(i)].opening(), 0.0f) << i;
  for (int i = 32; i < 58; ++i) EXPECT_GT(track[static_cast<std::size_t>(i)].opening(), 0.5f) << i;
  for (int i = 62; i < 90; ++i) EXPECT_EQ(track[static_cast<std::size_t>(i)].opening(), 0.0f) << i;
  // Onset: the first visibly open frame is within one frame of the sound (frame 30).
  int first_open = -1;
  for (int i = 0; i < 90 && first_open < 0; ++i) {
    if (track[static_cast<std::size_t>(i)].opening() > 0.1f) first_open = i;
  }
  EXPECT_NEAR(first_open, 30, 1);
}

TEST(SpeechFeatures, FramesOutsideTheAudioAreSilent) {
  std::vector<float> tone(16000);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = 0.5f * std::sin(0.1f * static_cast<float>(i));
  const auto f = analyse_speech(tone, 16000, kFps, 1.0, 90);  // audio from 1 s to 2 s
  EXPECT_TRUE(f[10].silent);
  EXPECT_FALSE(f[45].silent);
  EXPECT_TRUE(f[80].silent);
  EXPECT_TRUE(analyse_speech({}, 16000, kFps, 0, 5)[2].silent);
}

}  // namespace
}  // namespace pitchreel
