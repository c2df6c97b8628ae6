#include "render/timeline.h"

#include <algorithm>
#include <cmath>

namespace pitchreel {

double Timeline::progress(std::int64_t frame) const {
  if (frame_count <= 1) return 0.0;
  return std::clamp(static_cast<double>(frame) / static_cast<double>(frame_count - 1), 0.0, 1.0);
}

double Timeline::brightness(double t) const {
  const double in = fade_in > 0 ? t / fade_in : 1.0;
  const double out = fade_out > 0 ? (duration() - t) / fade_out : 1.0;
  return std::clamp(std::min(in, out), 0.0, 1.0);
}

std::int64_t Timeline::poster_frame() const {
  const auto frame = static_cast<std::int64_t>(std::floor(lead_in * fps / 2));
  return std::clamp<std::int64_t>(frame, 0, std::max<std::int64_t>(frame_count - 1, 0));
}

Timeline make_timeline(double speech_seconds, int fps) {
  Timeline t;
  t.fps = fps;
  const double total = t.lead_in + std::max(0.0, speech_seconds) + t.tail;
  // A tiny epsilon keeps an exact multiple of the frame time from gaining a frame.
  t.frame_count = static_cast<std::int64_t>(std::ceil(total * fps - 1e-9));
  return t;
}

Timeline make_flush_timeline(double seconds, int fps) {
  Timeline t = make_timeline(0, fps);
  t.lead_in = t.tail = t.fade_in = t.fade_out = 0;
  t.frame_count =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds * fps - 1e-9)));
  return t;
}

double ease_in_out(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * x * (x * (x * 6 - 15) + 10);
}

}  // namespace pitchreel
