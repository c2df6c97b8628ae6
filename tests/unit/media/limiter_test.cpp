// The limiter works only around the samples that pass the ceiling (and interpolates only
// where the neighbourhood is loud enough to matter); this checks it against the
// whole-signal formulation it replaced (kept here as the reference, with the same
// between-samples peak, segment_peak): every sample's gain from the sliding minimum of
// needs, averaged over +-5 ms, on signals with isolated peaks, dense loud passages and
// peaks at both ends; and segment_peak on a tone whose peaks fall between samples.
// gain_and_limit, the same limiter chunk by chunk, against limit_peaks on the whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>
#include <vector>

#include "media/loudness.h"

namespace pitchreel {
namespace {

void reference_limit_peaks(std::vector<float>& samples, int sample_rate, double ceiling) {
  const std::size_t n = samples.size();
  if (n == 0 || ceiling <= 0) return;
  const auto look = static_cast<std::size_t>(std::max(1, sample_rate / 200));
  std::vector<float> peak(n);
  for (std::size_t i = 0; i < n; ++i) peak[i] = std::abs(samples[i]);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const float m = segment_peak(samples, i);
    peak[i] = std::max(peak[i], m);
    peak[i + 1] = std::max(peak[i + 1], m);
  }
  std::vector<float> need(n);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    need[i] = peak[i] > ceiling ? static_cast<float>(ceiling / peak[i]) : 1.0f;
    any = any || need[i] < 1.0f;
  }
  if (!any) return;
  std::vector<float> window_min(n);
  std::deque<std::size_t> q;
  for (std::size_t i = 0, j = 0; i < n; ++i) {
    const std::size_t hi = std::min(n - 1, i + look);
    for (; j <= hi; ++j) {
      while (!q.empty() && need[q.back()] >= need[j]) q.pop_back();
      q.push_back(j);
    }
    while (q.front() + look < i) q.pop_front();
    window_min[i] = need[q.front()];
  }
  std::vector<double> prefix(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + window_min[i];
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t lo = i >= look ? i - look : 0;
    const std::size_t hi = std::min(n, i + look + 1);
    const double gain = (prefix[hi] - prefix[lo]) / static_cast<double>(hi - lo);
    samples[i] = static_cast<float>(samples[i] * std::min(gain, static_cast<double>(need[i])));
  }
}

// Noise at `level` with loud bursts: sparse clicks, a dense loud passage, peaks on the
// first and last samples.
std::vector<float> bursty(int rate, double seconds, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 0.15f);
  std::uniform_real_distribution<float> burst(0.9f, 1.6f);
  std::vector<float> s(static_cast<std::size_t>(rate * seconds));
  for (auto& v : s) v = noise(rng);
  for (std::size_t i = 0; i < s.size(); i += static_cast<std::size_t>(rate / 7)) s[i] = burst(rng);
  const std::size_t dense = s.size() / 2;
  for (std::size_t i = dense; i < dense + static_cast<std::size_t>(rate / 4); ++i) {
    s[i] = burst(rng) * std::sin(static_cast<float>(i) * 0.3f);
  }
  s.front() = -1.4f;
  s.back() = 1.5f;
  return s;
}

TEST(Limiter, MatchesTheWholeSignalFormulation) {
  for (const int rate : {22050, 48000}) {
    for (const double ceiling : {0.85, 0.5, 0.2}) {
      const std::vector<float> input = bursty(rate, 3.0, static_cast<unsigned>(rate) + 7);
      std::vector<float> expected = input, actual = input;
      reference_limit_peaks(expected, rate, ceiling);
      limit_peaks(actual, rate, ceiling);
      ASSERT_EQ(actual.size(), expected.size());
      float worst = 0;
      std::size_t changed = 0;
      for (std::size_t i = 0; i < actual.size(); ++i) {
        worst = std::max(worst, std::abs(actual[i] - expected[i]));
        changed += expected[i] != input[i];
      }
      EXPECT_LT(worst, 1e-6f) << "rate " << rate << " ceiling " << ceiling;
      EXPECT_GT(changed, 0u);  // the case limits something
    }
  }
}

// A tone near a quarter of the sample rate, sampled where it crosses +-0.707 of its
// amplitude: every sample reads 3 dB under the waveform's real peak, which lies halfway
// between them. segment_peak finds it; the samples alone do not.
TEST(Limiter, SegmentPeakFindsThePeakBetweenSamples) {
  const int rate = 22050;
  std::vector<float> tone(2000);
  for (std::size_t i = 0; i < tone.size(); ++i) {
    tone[i] = static_cast<float>(std::sin(2 * M_PI * 0.25 * static_cast<double>(i) + M_PI / 4));
  }
  float sample_peak = 0, between = 0;
  for (std::size_t i = 100; i + 100 < tone.size(); ++i) {
    sample_peak = std::max(sample_peak, std::abs(tone[i]));
    between = std::max(between, segment_peak(tone, i));
  }
  EXPECT_NEAR(sample_peak, 0.7071f, 1e-3f);
  EXPECT_NEAR(between, 1.0f, 0.02f);  // the true peak, within 0.2 dB
  // The ends read as silence beyond the signal: no index outside it is touched.
  EXPECT_LE(segment_peak(tone, 0), 1.05f);
  EXPECT_LE(segment_peak(tone, tone.size() - 2), 1.05f);
  // And the limiter holds the waveform, not only the samples, under its ceiling.
  std::vector<float> limited = tone;
  limit_peaks(limited, rate, 0.8);
  float worst = 0;
  for (std::size_t i = 100; i + 100 < limited.size(); ++i) {
    worst = std::max(worst, segment_peak(limited, i));
  }
  EXPECT_LE(worst, 0.8f * 1.01f);
}

// gain_and_limit works chunk by chunk (64 Ki samples) in place, so that a long narration is
// not copied; it must make exactly what the gain and the limiter make of the whole signal,
// also where peaks and the limiter's look-ahead straddle a chunk's edge (bursts every
// seventh of a second fall on both sides of several edges in 10 s) and at 192 kHz, where
// the look-ahead is longest.
TEST(Limiter, GainAndLimitInChunksIsTheWholeSignalsLimiter) {
  for (const int rate : {22050, 48000, 192000}) {
    const std::vector<float> input = bursty(rate, 10.0, static_cast<unsigned>(rate) + 3);
    for (const float gain : {1.0f, 1.7f}) {
      std::vector<float> expected = input, actual = input;
      for (float& v : expected) v *= gain;
      limit_peaks(expected, rate, 0.9);
      gain_and_limit(actual, gain, rate, 0.9);
      ASSERT_EQ(actual.size(), expected.size());
      std::size_t differ = 0, changed = 0;
      for (std::size_t i = 0; i < actual.size(); ++i) {
        differ += actual[i] != expected[i];
        changed += expected[i] != input[i] * gain;
      }
      EXPECT_EQ(differ, 0u) << "rate " << rate << " gain " << gain;
      EXPECT_GT(changed, 1000u);  // the case limits, around many edges
    }
  }
  std::vector<float> none;
  gain_and_limit(none, 2.0f, 48000, 0.9);  // nothing to do, nothing touched
  EXPECT_TRUE(none.empty());
}

TEST(Limiter, LeavesASignalUnderTheCeilingBitForBit) {
  std::vector<float> quiet = bursty(22050, 1.0, 5);
  for (auto& v : quiet) v *= 0.3f;
  const std::vector<float> before = quiet;
  limit_peaks(quiet, 22050, 0.9);
  EXPECT_EQ(quiet, before);
}

}  // namespace
}  // namespace pitchreel
