// Loudness of a narration as the social platforms measure it (EBU R128 / ITU-R BS.1770:
// integrated loudness in LUFS, true peak in dBTP by oversampling), measured with
// libebur128, and the normalisation every video's narration gets: gain to the target
// integrated loudness, then a look-ahead limiter so the true peak stays under its ceiling.
//
// Pure functions on mono float PCM; thread-safe. Silence (no gated block) is left as it is.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"

namespace pitchreel {

struct LoudnessTarget {
  double integrated_lufs = -14.0;  // the platforms' norm
  double true_peak_dbtp = -1.0;    // ceiling, with headroom for the AAC encoder
};

struct LoudnessReport {
  double input_lufs = 0;
  double output_lufs = 0;
  double output_true_peak_dbtp = 0;
  int passes = 0;  // gain + limiter passes it took (0: silence)
};

// "loudness_meter" (internal) if libebur128 fails. -inf LUFS for silence.
Result<double> integrated_loudness(std::span<const float> samples, int sample_rate);
Result<double> true_peak_dbtp(std::span<const float> samples, int sample_rate);

// Brings `samples` to `target` in place.
Result<LoudnessReport> normalize_loudness(std::vector<float>& samples, int sample_rate,
                                          const LoudnessTarget& target = {});
// The same from `input` into `output` (of the same length; they must not overlap):
// no copy of the signal is made, which matters for long narrations.
Result<LoudnessReport> normalize_loudness(std::span<const float> input, std::span<float> output,
                                          int sample_rate, const LoudnessTarget& target = {});

// The highest point of the waveform between samples j and j + 1 (j + 1 < size), as a 4x
// oversampling true-peak meter reconstructs it (at a quarter, a half, three quarters).
float segment_peak(std::span<const float> samples, std::size_t j);

// The limiter alone: gain reduction (5 ms look-ahead, smooth) wherever a sample would
// pass `ceiling` (linear), judged by segment_peak between samples.
void limit_peaks(std::span<float> samples, int sample_rate, double ceiling);

}  // namespace pitchreel
