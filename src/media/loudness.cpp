#include "media/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <numbers>
#include <vector>

namespace pitchreel {
namespace {

struct MeterFree {
  void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};
using Meter = std::unique_ptr<ebur128_state, MeterFree>;

Error meter_error(const char* what) {
  return Error::internal("loudness_meter", std::string("The loudness meter failed: ") + what);
}

// The meter after `feed` has given it the signal: feed(add) calls add(piece) for each
// consecutive piece of it (the meter keeps its state across pieces).
template <typename Feed>
Result<Meter> measure(int sample_rate, int mode, Feed&& feed) {
  if (sample_rate <= 0) return fail(meter_error("no sample rate"));
  Meter meter(ebur128_init(1, static_cast<unsigned long>(sample_rate), mode));
  if (!meter) return fail(meter_error("cannot initialise"));
  bool added = true;
  feed([&](std::span<const float> piece) {
    if (added && !piece.empty()) {
      added = ebur128_add_frames_float(meter.get(), piece.data(), piece.size()) ==
              EBUR128_SUCCESS;
    }
  });
  if (!added) return fail(meter_error("cannot add samples"));
  return meter;
}

Result<double> global_loudness(const Result<Meter>& meter) {
  if (!meter) return fail(meter.error());
  double lufs = 0;
  if (ebur128_loudness_global(meter->get(), &lufs) != EBUR128_SUCCESS) {
    return fail(meter_error("no integrated loudness"));
  }
  return lufs;
}

double to_db(double linear) {
  return linear > 0 ? 20.0 * std::log10(linear) : -std::numeric_limits<double>::infinity();
}

Result<double> true_peak(const Result<Meter>& meter) {  // dBTP
  if (!meter) return fail(meter.error());
  double peak = 0;
  if (ebur128_true_peak(meter->get(), 0, &peak) != EBUR128_SUCCESS) {
    return fail(meter_error("no true peak"));
  }
  return to_db(peak);
}

}  // namespace

Result<double> integrated_loudness(std::span<const float> samples, int sample_rate) {
  return global_loudness(measure(sample_rate, EBUR128_MODE_I, [&](auto add) { add(samples); }));
}

Result<double> true_peak_dbtp(std::span<const float> samples, int sample_rate) {
  return true_peak(measure(sample_rate, EBUR128_MODE_TRUE_PEAK, [&](auto add) { add(samples); }));
}

namespace {

constexpr int kTaps = 12;  // samples the interpolation reads: j - 5 .. j + 6

// Windowed-sinc taps for the points a quarter, a half and three quarters of the way from one
// sample to the next: the waveform as a 4x oversampling true-peak meter (ITU-R BS.1770,
// libebur128) reconstructs it, so that the limiter sees the peaks the meter will measure.
struct SegmentTaps {
  float h[3][kTaps];
  float bound;  // sum of |h| over the largest phase: |interpolation| <= bound * max |input|
};

const SegmentTaps& segment_taps() {
  static const SegmentTaps taps = [] {
    SegmentTaps t{};
    for (int p = 0; p < 3; ++p) {
      const double frac = (p + 1) / 4.0;
      double sum = 0, abs_sum = 0;
      for (int k = 0; k < kTaps; ++k) {
        const double x = frac - (k - 5);  // distance from the point to sample j - 5 + k
        const double sinc = std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
        const double window = 0.5 * (1 + std::cos(std::numbers::pi * x / (kTaps / 2 + 1)));
        t.h[p][k] = static_cast<float>(sinc * window);
        sum += t.h[p][k];
      }
      for (int k = 0; k < kTaps; ++k) {  // unity gain at DC
        t.h[p][k] = static_cast<float>(t.h[p][k] / sum);
        abs_sum += std::abs(t.h[p][k]);
      }
      t.bound = std::max(t.bound, static_cast<float>(abs_sum));
    }
    return t;
  }();
  return taps;
}

}  // namespace

float segment_peak(std::span<const float> samples, std::size_t j) {
  const SegmentTaps& taps = segment_taps();
  const std::size_t n = samples.size();
  float window[kTaps];  // beyond the ends the signal is silence, as the meter sees it
  for (int k = 0; k < kTaps; ++k) {
    const std::size_t i = j + static_cast<std::size_t>(k);  // j - 5 + k, shifted by 5
    window[k] = i >= 5 && i - 5 < n ? samples[i - 5] : 0.0f;
  }
  float m = 0;
  for (const auto& h : taps.h) {
    float v = 0;
    for (int k = 0; k < kTaps; ++k) v += h[k] * window[k];
    m = std::max(m, std::abs(v));
  }
  return m;
}

void limit_peaks(std::span<float> samples, int sample_rate, double ceiling) {
  const std::size_t n = samples.size();
  if (n == 0 || ceiling <= 0) return;
  const auto look = static_cast<std::size_t>(std::max(1, sample_rate / 200));  // 5 ms
  // The gain each sample needs on its own, judged on the peak of the waveform around it:
  // the sample and the interpolated segments on each side, since the true peak of a
  // reconstructed signal lies between samples. Speech passes the ceiling only here and
  // there, so only the samples that do are kept (one pass, no buffer the signal's size).
  // Most of a narration is far under the ceiling: a segment whose neighbourhood (the
  // samples its interpolation reads) is quiet enough cannot pass it, and is not interpolated.
  const std::span<const float> s = samples;
  const float quiet = static_cast<float>(ceiling) / segment_taps().bound;
  constexpr std::size_t kBlock = 16;  // loudest sample per block of kBlock
  std::vector<float> block_max((n + kBlock - 1) / kBlock, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    block_max[i / kBlock] = std::max(block_max[i / kBlock], std::abs(s[i]));
  }
  const auto neighbourhood_max = [&](std::size_t j) {  // >= max |s| over j - 5 .. j + 6
    const std::size_t b = j / kBlock;
    float m = block_max[b];
    if (b > 0) m = std::max(m, block_max[b - 1]);
    if (b + 1 < block_max.size()) m = std::max(m, block_max[b + 1]);
    return m;
  };
  std::vector<std::pair<std::size_t, float>> over;  // (sample, the gain it needs)
  float previous_segment = 0;                       // segment_peak(i - 1)
  for (std::size_t i = 0; i < n; ++i) {
    const float next_segment =
        i + 1 < n && neighbourhood_max(i) > quiet ? segment_peak(s, i) : 0.0f;
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

namespace {

// gain * x, limited to `ceiling`, chunk by chunk: sink(first, chunk) for consecutive chunks
// that cover x. Each chunk is limited together with the samples around it that its result
// depends on (the limiter reads up to 2 * look + kTaps samples to either side), so the
// chunks are what limit_peaks makes of the whole signal, sample for sample, and only a few
// chunks are held. A chunk reaches the sink only after the next one's input has been read,
// so the sink may write the chunks back over x (x is then read through a const view of
// memory the sink writes, which is allowed: nothing reads a place after it is written).
template <typename Sink>
void for_each_limited_chunk(std::span<const float> x, float gain, int sample_rate,
                            double ceiling, Sink&& sink) {
  const std::size_t n = x.size();
  const auto look = static_cast<std::size_t>(std::max(1, sample_rate / 200));  // as limit_peaks
  const std::size_t margin = 2 * look + kTaps;
  const std::size_t chunk = std::max(std::size_t{1} << 16, margin);
  std::vector<float> buffer, ready;
  std::size_t ready_at = 0;
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t last = std::min(n, first + chunk);
    const std::size_t from = first >= margin ? first - margin : 0;
    const std::size_t to = std::min(n, last + margin);
    buffer.resize(to - from);
    for (std::size_t i = from; i < to; ++i) buffer[i - from] = x[i] * gain;
    if (!ready.empty()) sink(ready_at, std::span<const float>(ready));
    limit_peaks(buffer, sample_rate, ceiling);
    ready.assign(buffer.begin() + static_cast<std::ptrdiff_t>(first - from),
                 buffer.begin() + static_cast<std::ptrdiff_t>(last - from));
    ready_at = first;
  }
  if (!ready.empty()) sink(ready_at, std::span<const float>(ready));
}

// The meter (mode) fed gain * x, limited to `ceiling`, without making that signal.
Result<Meter> measure_limited(std::span<const float> x, float gain, int sample_rate,
                              double ceiling, int mode) {
  return measure(sample_rate, mode, [&](auto add) {
    for_each_limited_chunk(x, gain, sample_rate, ceiling,
                           [&](std::size_t, std::span<const float> chunk) { add(chunk); });
  });
}

}  // namespace

void gain_and_limit(std::span<float> samples, float gain, int sample_rate, double ceiling) {
  for_each_limited_chunk(samples, gain, sample_rate, ceiling,
                         [&](std::size_t first, std::span<const float> chunk) {
                           std::copy(chunk.begin(), chunk.end(),
                                     samples.begin() + static_cast<std::ptrdiff_t>(first));
                         });
}

Result<LoudnessReport> normalize_loudness(std::span<float> samples, int sample_rate,
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
  // Gain, then the limiter; the limiter takes some loudness off again (several decibels on
  // a peaky synthetic voice), so the gain is found by the secant method on the loudness
  // measured after the limiter, which rises more slowly than the gain. Each pass measures
  // the loudness alone; the true peak (4x oversampling, three times the cost) only once the
  // loudness is there, and if it passes the ceiling (the limiter judges peaks by
  // interpolation, the meter by a longer filter) the ceiling comes down by as much.
  // The passes stream the limited signal through the meter; only the gain found is
  // written over the samples, at the end.
  // Half a decibel under the ceiling leaves room for the resampling and the AAC encoder,
  // whose output the platforms (and our tests) measure.
  constexpr double kLoudnessTolerance = 0.2;  // LU
  constexpr double kPeakMargin = 0.5;         // dB under the target that passes
  constexpr int kMaxPasses = 8;
  const double peak_limit = target.true_peak_dbtp - kPeakMargin;
  double ceiling_db = target.true_peak_dbtp - 0.7;
  double gain_db = target.integrated_lufs - *input;
  // The last pass's gain and loudness, once there is one for this ceiling.
  bool have_previous = false;
  double previous_gain = 0, previous_lufs = 0;
  bool peak_checked = false;
  double last_gain_db = gain_db, last_ceiling_db = ceiling_db;  // the last pass's
  const auto linear = [](double db) { return std::pow(10.0, db / 20.0); };
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    const double gain = linear(gain_db), ceiling = linear(ceiling_db);
    last_gain_db = gain_db;
    last_ceiling_db = ceiling_db;
    report.passes = pass + 1;
    auto lufs = global_loudness(measure_limited(samples, static_cast<float>(gain), sample_rate,
                                                ceiling, EBUR128_MODE_I));
    if (!lufs) return fail(lufs.error());
    report.output_lufs = *lufs;
    peak_checked = false;
    if (std::abs(*lufs - target.integrated_lufs) <= kLoudnessTolerance) {
      auto peak = true_peak(measure_limited(samples, static_cast<float>(gain), sample_rate,
                                            ceiling, EBUR128_MODE_TRUE_PEAK));
      if (!peak) return fail(peak.error());
      report.output_true_peak_dbtp = *peak;
      peak_checked = true;
      if (*peak <= peak_limit) {
        gain_and_limit(samples, static_cast<float>(gain), sample_rate, ceiling);
        return report;
      }
      ceiling_db -= *peak - peak_limit;
      have_previous = false;  // another limiter: its loudness curve is another
      continue;
    }
    // The slope of loudness against gain, from the last two passes: at most 1 (no
    // limiting), at least a tenth (so that a limiter that eats most of a step cannot send
    // the gain far past what is sane).
    double slope = 1.0;
    if (have_previous && gain_db != previous_gain) {
      slope = std::clamp((*lufs - previous_lufs) / (gain_db - previous_gain), 0.1, 1.0);
    }
    have_previous = true;
    previous_gain = gain_db;
    previous_lufs = *lufs;
    gain_db += (target.integrated_lufs - *lufs) / slope;
  }
  // Out of passes: the last pass's signal, and whatever the loudness, the true peak must be
  // under the ceiling. A gain moves the true peak by exactly as much.
  gain_and_limit(samples, static_cast<float>(linear(last_gain_db)), sample_rate,
                 linear(last_ceiling_db));
  if (!peak_checked) {
    auto peak = true_peak_dbtp(samples, sample_rate);
    if (!peak) return fail(peak.error());
    report.output_true_peak_dbtp = *peak;
  }
  if (report.output_true_peak_dbtp > peak_limit) {
    const double cut = peak_limit - report.output_true_peak_dbtp;
    const auto factor = static_cast<float>(std::pow(10.0, cut / 20.0));
    for (float& v : samples) v *= factor;
    report.output_true_peak_dbtp += cut;
    report.output_lufs += cut;
  }
  return report;
}

}  // namespace pitchreel
