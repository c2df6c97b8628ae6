// The level of one frequency in a stretch of mono samples (Goertzel's filter), for tests that
// check what a soundtrack carries: a music bed's treble, a tone that must survive a codec.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace pitchreel::testing {

// Power of x[from, to) at `frequency` (Hz) at `rate`, in dB relative to a full-scale sine.
// Exact for a whole number of the tone's cycles in the stretch.
inline double tone_db(const std::vector<float>& x, std::size_t from, std::size_t to, int rate,
                      double frequency) {
  const double coeff = 2 * std::cos(2 * M_PI * frequency / rate);
  double s1 = 0, s2 = 0;
  for (std::size_t i = from; i < to && i < x.size(); ++i) {
    const double s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const double n = static_cast<double>(to - from);
  return 10 * std::log10(power / (n * n / 4) + 1e-30);
}

}  // namespace pitchreel::testing
