#include "presenter/speech_features.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pitchreel {
namespace {

struct Raw {
  double db = -120;
  double low_share = 0;
  double crossings_per_s = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

}  // namespace

std::vector<FrameFeatures> analyse_speech(std::span<const float> samples, int sample_rate, int fps,
                                          double audio_start, std::int64_t frame_count) {
  std::vector<FrameFeatures> out(static_cast<std::size_t>(std::max<std::int64_t>(0, frame_count)));
  if (samples.empty() || sample_rate <= 0 || fps <= 0) return out;

  // One low-passed copy for the spectral balance (one-pole at ~900 Hz).
  const double a = 1.0 - std::exp(-2.0 * std::numbers::pi * 900.0 / sample_rate);
  std::vector<float> low(samples.size());
  double y = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    y += a * (samples[i] - y);
    low[i] = static_cast<float>(y);
  }

  // A window of two frames centred on the frame's time: no lag, little flicker.
  const double window = 2.0 / fps;
  std::vector<Raw> raw(out.size());
  std::vector<double> levels;
  for (std::size_t f = 0; f < out.size(); ++f) {
    const double t = static_cast<double>(f) / fps - audio_start;
    const auto first = static_cast<std::int64_t>(std::floor((t - window / 2) * sample_rate));
    const auto last = static_cast<std::int64_t>(std::floor((t + window / 2) * sample_rate));
    const auto begin =
        std::clamp<std::int64_t>(first, 0, static_cast<std::int64_t>(samples.size()));
    const auto end = std::clamp<std::int64_t>(last, 0, static_cast<std::int64_t>(samples.size()));
    if (end - begin < 16) continue;
    double energy = 0, low_energy = 0;
    int crossings = 0;
    for (auto i = begin; i < end; ++i) {
      const double s = samples[static_cast<std::size_t>(i)];
      energy += s * s;
      low_energy +=
          static_cast<double>(low[static_cast<std::size_t>(i)]) * low[static_cast<std::size_t>(i)];
      if (i > begin && (samples[static_cast<std::size_t>(i - 1)] < 0) != (s < 0)) ++crossings;
    }
    const double n = static_cast<double>(end - begin);
    raw[f].db = 10 * std::log10(energy / n + 1e-12);
    raw[f].low_share = energy > 0 ? low_energy / energy : 0;
    raw[f].crossings_per_s = crossings * sample_rate / n;
    levels.push_back(raw[f].db);
  }
  if (levels.empty()) return out;

  // The recording's own range: its quiet floor and its loud peaks.
  const double floor = std::max(-70.0, percentile(levels, 0.05));
  const double peak = percentile(levels, 0.97);
  // Silence: well under the peaks (30 dB), or near the floor when the recording has a
  // quiet floor at all (a recording without pauses is not silent 6 dB under its peaks).
  const double threshold =
      std::max({-55.0, peak - 30.0, std::min(floor + 0.22 * (peak - floor), peak - 6.0)});
  const double peak_amplitude = std::pow(10.0, peak / 20);
  for (std::size_t f = 0; f < out.size(); ++f) {
    const Raw& r = raw[f];
    FrameFeatures& ff = out[f];
    ff.silent = r.db < threshold;
    // Amplitude relative to the peaks: the mouth opens with the sound pressure, as an
    // audience hears it, and nearly closes in the short dips between syllables.
    ff.loudness =
        static_cast<float>(std::clamp(std::pow(10.0, r.db / 20) / peak_amplitude, 0.0, 1.0));
    ff.low_share = static_cast<float>(std::clamp(r.low_share, 0.0, 1.0));
    ff.noisiness = static_cast<float>(std::clamp((r.crossings_per_s - 1000.0) / 3000.0, 0.0, 1.0));
  }
  return out;
}

}  // namespace pitchreel
