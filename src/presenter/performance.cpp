#include "presenter/performance.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace pitchreel {
namespace {

constexpr double kBlinkSeconds = 0.15;

// Eyelid closure during a blink that started `dt` seconds ago: fast down, slower up.
float blink_at(double dt) {
  if (dt < 0 || dt > kBlinkSeconds) return 0;
  const double down = 0.06;
  const double x = dt < down ? dt / down : 1.0 - (dt - down) / (kBlinkSeconds - down);
  return static_cast<float>(std::sin(x * std::numbers::pi / 2));
}

}  // namespace

std::vector<FacePose> perform(const std::vector<MouthPose>& mouth,
                              const std::vector<FrameFeatures>& features, int fps) {
  const std::size_t n = mouth.size();
  std::vector<FacePose> poses(n);
  std::mt19937 random(20240611u);  // fixed: renders are reproducible
  std::uniform_real_distribution<double> gap(2.0, 6.0);

  // Blink start times: the first after a second, then every 2 to 6 seconds.
  std::vector<double> blinks;
  for (double t = 1.0 + gap(random) / 3; t < static_cast<double>(n) / fps; t += gap(random)) {
    blinks.push_back(t);
  }

  // Emphasis: loudness smoothed over about a third of a second; the head dips a little on
  // stressed stretches (a nod) and comes back in the pauses.
  std::vector<float> emphasis(n, 0);
  const float k = 1.0f - std::exp(-1.0f / (0.12f * static_cast<float>(fps)));
  float e = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float target = i < features.size() && !features[i].silent ? features[i].loudness : 0;
    e += k * (target - e);
    emphasis[i] = e;
  }
  // A second pass backwards removes the filter's lag (zero phase overall).
  e = emphasis.empty() ? 0 : emphasis.back();
  for (std::size_t i = n; i-- > 0;) {
    e += k * (emphasis[i] - e);
    emphasis[i] = e;
  }

  std::size_t next_blink = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fps;
    FacePose& pose = poses[i];
    pose.mouth = mouth[i];
    while (next_blink + 1 < blinks.size() && blinks[next_blink] + kBlinkSeconds < t) ++next_blink;
    if (next_blink < blinks.size()) pose.blink = blink_at(t - blinks[next_blink]);
    // Idle motion: slow, incommensurate sines, starting from rest at t = 0, so the first
    // frame is the portrait itself.
    const auto wave = [&](double period, double phase) {
      return static_cast<float>(std::sin(2 * std::numbers::pi * t / period + phase) -
                                std::sin(phase));
    };
    const float nod = 0.012f * emphasis[i];
    pose.head.roll = 0.012f * wave(7.3, 0.4) + 0.006f * wave(3.1, 1.3);
    pose.head.shift = {0.008f * wave(9.7, 2.1), 0.005f * wave(5.3, 0.7) + nod};
    pose.head.scale = 0.006f * wave(11.9, 2.8);
  }
  return poses;
}

}  // namespace pitchreel
