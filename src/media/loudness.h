// Loudness of a narration as the social platforms measure it (EBU R128 / ITU-R BS.1770:
// integrated loudness in LUFS, true peak in dBTP by oversampling), measured with
// libebur128, and the normalisation every video's narration gets: gain to the target
// integrated loudness, then a look-ahead limiter so the true peak stays under its ceiling.
//
// Pure functions on mono float PCM; thread-safe. Silence (no gated block) is left as it is.
#pragma once

#include <span>

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

// Brings `samples` to `target` in place. Besides the signal it holds only a few chunks of
// it (the passes that search for the gain stream it through the meter), so a long
// narration is never copied.
Result<LoudnessReport> normalize_loudness(std::span<float> samples, int sample_rate,
                                          const LoudnessTarget& target = {});

// The highest point of the waveform between samples j and j + 1 (j + 1 < size), as a 4x
// oversampling true-peak meter reconstructs it (at a quarter, a half, three quarters).
float segment_peak(std::span<const float> samples, std::size_t j);

// The limiter alone: gain reduction (5 ms look-ahead, smooth) wherever a sample would
// pass `ceiling` (linear), judged by segment_peak between samples.
void limit_peaks(std::span<float> samples, int sample_rate, double ceiling);

// samples * gain, then limit_peaks, in place, sample for sample the same, holding only a few
// chunks of the signal besides it (each limited with the samples around it that its result
// depends on).
void gain_and_limit(std::span<float> samples, float gain, int sample_rate, double ceiling);

}  // namespace pitchreel
