#include "media/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>

namespace pitchreel {
namespace {

struct MeterFree {
  void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};
using Meter = std::unique_ptr<ebur128_state, MeterFree>;

Error meter_error(const char* what) {
  return Error::internal("loudness_meter", std::string("The loudness meter failed: ") + what);
}

Result<Meter> measure(std::span<const float> samples, int sample_rate, int mode) {
  if (sample_rate <= 0) return fail(meter_error("no sample rate"));
  Meter meter(ebur128_init(1, static_cast<unsigned long>(sample_rate), mode));
  if (!meter) return fail(meter_error("cannot initialise"));
  if (!samples.empty() &&
      ebur128_add_frames_float(meter.get(), samples.data(), samples.size()) != EBUR128_SUCCESS) {
    return fail(meter_error("cannot add samples"));
  }
  return meter;
}

double to_db(double linear) {
  return linear > 0 ? 20.0 * std::log10(linear) : -std::numeric_limits<double>::infinity();
}

}  // namespace

Result<double> integrated_loudness(std::span<const float> samples, int sample_rate) {
  auto meter = measure(samples, sample_rate, EBUR128_MODE_I);
  if (!meter) return fail(meter.error());
  double lufs = 0;
  if (ebur128_loudness_global(meter->get(), &lufs) != EBUR128_SUCCESS) {
    return fail(meter_error("no integrated loudness"));
  }
  return lufs;
}

Result<double> true_peak_dbtp(std::span<const float> samples, int sample_rate) {
  auto meter = measure(samples, sample_rate, EBUR128_MODE_TRUE_PEAK);
  if (!meter) return fail(meter.error());
  double peak = 0;
  if (ebur128_true_peak(meter->get(), 0, &peak) != EBUR128_SUCCESS) {
    return fail(meter_error("no true peak"));
  }
  return to_db(peak);
}

void limit_peaks(std::vector<float>& samples, int sample_rate, double ceiling) {
  const std::size_t n = samples.size();
  if (n == 0 || ceiling <= 0) return;
  const auto look = static_cast<std::size_t>(std::max(1, sample_rate / 200));  // 5 ms
  // The gain each sample needs on its own, judged on the peak of the waveform around it:
  // the sample and three points interpolated (Catmull-Rom) on each side, since the true
  // peak of a reconstructed signal lies between samples.
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
  // The smallest need within +-look (a sliding minimum), then averaged over +-look: every
  // sample in the window of a peak is at most the peak's need, so the average is too, and
  // the gain ramps over 10 ms instead of stepping (no clicks).
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

Result<LoudnessReport> normalize_loudness(std::vector<float>& samples, int sample_rate,
                                          const LoudnessTarget& target) {
  LoudnessReport report;
  auto input = integrated_loudness(samples, sample_rate);
  if (!input) return fail(input.error());
  report.input_lufs = *input;
  if (!std::isfinite(*input)) {  // silence: nothing to normalise
    report.output_lufs = *input;
    report.output_true_peak_dbtp = to_db(0);
    return report;
  }
  const std::vector<float> original = samples;
  // The limiter takes a little loudness off; the gain makes it up over a few passes, and
  // the ceiling comes down if the true peak (between samples) still passes it.
  double gain_db = target.integrated_lufs - *input;
  // Half a decibel under the ceiling leaves room for the resampling and the AAC encoder,
  // whose output the platforms (and our tests) measure.
  double ceiling_db = target.true_peak_dbtp - 0.7;
  for (int pass = 0; pass < 10; ++pass) {
    const auto gain = static_cast<float>(std::pow(10.0, gain_db / 20.0));
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = original[i] * gain;
    limit_peaks(samples, sample_rate, std::pow(10.0, ceiling_db / 20.0));
    auto lufs = integrated_loudness(samples, sample_rate);
    if (!lufs) return fail(lufs.error());
    auto peak = true_peak_dbtp(samples, sample_rate);
    if (!peak) return fail(peak.error());
    report.output_lufs = *lufs;
    report.output_true_peak_dbtp = *peak;
    const bool loud_ok = std::abs(*lufs - target.integrated_lufs) <= 0.2;
    const bool peak_ok = *peak <= target.true_peak_dbtp - 0.5;
    if (loud_ok && peak_ok) break;
    if (!peak_ok) ceiling_db -= *peak - (target.true_peak_dbtp - 0.7);
    if (!loud_ok) gain_db += target.integrated_lufs - *lufs;
  }
  return report;
}

}  // namespace pitchreel
