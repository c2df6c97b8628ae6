// The limiter works only around the samples that pass the ceiling; this checks it against
// the whole-signal formulation it replaced (kept here, verbatim, as the reference): every
// sample's gain from the sliding minimum of needs, averaged over +-5 ms, on signals with
// isolated peaks, dense loud passages and peaks at both ends.
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
    const float p0 = samples[i > 0 ? i - 1 : i], p1 = samples[i], p2 = samples[i + 1];
    const float p3 = samples[i + 2 < n ? i + 2 : i + 1];
    float m = 0;
    for (const float t : {0.25f, 0.5f, 0.75f}) {
      const float t2 = t * t, t3 = t2 * t;
      m = std::max(m, std::abs(0.5f * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 +
                                        (-p0 + 3 * p1 - 3 * p2 + p3) * t3)));
    }
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

TEST(Limiter, LeavesASignalUnderTheCeilingBitForBit) {
  std::vector<float> quiet = bursty(22050, 1.0, 5);
  for (auto& v : quiet) v *= 0.3f;
  const std::vector<float> before = quiet;
  limit_peaks(quiet, 22050, 0.9);
  EXPECT_EQ(quiet, before);
}

}  // namespace
}  // namespace pitchreel
