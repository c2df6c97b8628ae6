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

namespace {

// The highest point of the waveform between samples j and j + 1, interpolated
// (Catmull-Rom) at a quarter, a half and three quarters.
float segment_peak(const float* s, std::size_t n, std::size_t j) {
  const float p0 = s[j > 0 ? j - 1 : j], p1 = s[j], p2 = s[j + 1];
  const float p3 = s[j + 2 < n ? j + 2 : j + 1];
  float m = 0;
  for (const float t : {0.25f, 0.5f, 0.75f}) {
    const float t2 = t * t, t3 = t2 * t;
    m = std::max(m, std::abs(0.5f * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 +
                                      (-p0 + 3 * p1 - 3 * p2 + p3) * t3)));
  }
  return m;
}

}  // namespace

void limit_peaks(std::span<float> samples, int sample_rate, double ceiling) {
  const std::size_t n = samples.size();
  if (n == 0 || ceiling <= 0) return;
  const auto look = static_cast<std::size_t>(std::max(1, sample_rate / 200));  // 5 ms
  // The gain each sample needs on its own, judged on the peak of the waveform around it:
  // the sample and the interpolated segments on each side, since the true peak of a
  // reconstructed signal lies between samples. Speech passes the ceiling only here and
  // there, so only the samples that do are kept (one pass, no buffer the signal's size).
  const float* s = samples.data();
  std::vector<std::pair<std::size_t, float>> over;  // (sample, the gain it needs)
  float previous_segment = 0;                       // segment_peak(i - 1)
  for (std::size_t i = 0; i < n; ++i) {
    const float next_segment = i + 1 < n ? segment_peak(s, n, i) : 0.0f;
    const float peak = std::max({std::abs(s[i]), previous_segment, next_segment});
    if (peak > ceiling) over.emplace_back(i, static_cast<float>(ceiling / peak));
    previous_segment = next_segment;
  }
  if (over.empty()) return;
  // The smallest need within +-look (a sliding minimum), then averaged over +-look: every
  // sample in the window of a peak is at most the peak's need, so the average is too, and
  // the gain ramps over 10 ms instead of stepping (no clicks). Farther than 2 * look from
  // every sample over the ceiling, both are exactly 1 and nothing changes, so the work is
  // done per stretch [a, b) around the peaks, with need = 1 outside the list.
  std::vector<float> need, window_min;
  std::deque<std::size_t> q;
  for (std::size_t first = 0; first < over.size();) {
    std::size_t last = first;  // the stretch's peaks: over[first..last]
    while (last + 1 < over.size() && over[last + 1].first - over[last].first <= 4 * look + 1) ++last;
    const std::size_t a = over[first].first >= 2 * look ? over[first].first - 2 * look : 0;
    const std::size_t b = std::min(n, over[last].first + 2 * look + 1);
    need.assign(b - a, 1.0f);
    for (std::size_t k = first; k <= last; ++k) need[over[k].first - a] = over[k].second;
    window_min.resize(b - a);
    q.clear();
    for (std::size_t i = a, j = a; i < b; ++i) {
      const std::size_t hi = std::min(b - 1, i + look);
      for (; j <= hi; ++j) {
        while (!q.empty() && need[q.back() - a] >= need[j - a]) q.pop_back();
        q.push_back(j);
      }
      while (q.front() + look < i) q.pop_front();
      window_min[i - a] = need[q.front() - a];
    }
    // Average of window_min over [i - look, i + look] clipped to the signal; outside
    // [a, b) it is 1.
    const auto at = [&](std::size_t k) { return k >= a && k < b ? window_min[k - a] : 1.0; };
    double sum = 0;  // over [lo, hi), slid along with i
    std::size_t lo = a >= look ? a - look : 0, hi = lo;
    for (std::size_t i = a; i < b; ++i) {
      const std::size_t want_lo = i >= look ? i - look : 0;
      const std::size_t want_hi = std::min(n, i + look + 1);
      for (; hi < want_hi; ++hi) sum += at(hi);
      for (; lo < want_lo; ++lo) sum -= at(lo);
      const double gain = sum / static_cast<double>(hi - lo);
      samples[i] = static_cast<float>(samples[i] * std::min(gain, static_cast<double>(need[i - a])));
    }
    first = last + 1;
  }
}

Result<LoudnessReport> normalize_loudness(std::vector<float>& samples, int sample_rate,
                                          const LoudnessTarget& target) {
  const std::vector<float> original = samples;
  return normalize_loudness(original, samples, sample_rate, target);
}

Result<LoudnessReport> normalize_loudness(std::span<const float> original,
                                          std::span<float> samples, int sample_rate,
                                          const LoudnessTarget& target) {
  if (original.size() != samples.size()) {
    return fail(meter_error("the output is not the input's length"));
  }
  LoudnessReport report;
  auto input = integrated_loudness(original, sample_rate);
  if (!input) return fail(input.error());
  report.input_lufs = *input;
  if (!std::isfinite(*input)) {  // silence: nothing to normalise
    std::copy(original.begin(), original.end(), samples.begin());
    report.output_lufs = *input;
    report.output_true_peak_dbtp = to_db(0);
    return report;
  }
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
    // One meter for both figures: the K-weighting filter runs once per pass.
    auto meter = measure(samples, sample_rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    if (!meter) return fail(meter.error());
    double lufs = 0, peak_linear = 0;
    if (ebur128_loudness_global(meter->get(), &lufs) != EBUR128_SUCCESS) {
      return fail(meter_error("no integrated loudness"));
    }
    if (ebur128_true_peak(meter->get(), 0, &peak_linear) != EBUR128_SUCCESS) {
      return fail(meter_error("no true peak"));
    }
    const double peak = to_db(peak_linear);
    report.output_lufs = lufs;
    report.output_true_peak_dbtp = peak;
    const bool loud_ok = std::abs(lufs - target.integrated_lufs) <= 0.2;
    const bool peak_ok = peak <= target.true_peak_dbtp - 0.5;
    if (loud_ok && peak_ok) break;
    if (!peak_ok) ceiling_db -= peak - (target.true_peak_dbtp - 0.7);
    if (!loud_ok) gain_db += target.integrated_lufs - lufs;
  }
  return report;
}

}  // namespace pitchreel
