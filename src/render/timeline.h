// Timeline: how long the video is and where things happen on its clock.
// The narration starts after a short lead-in and the picture lingers after it ends, so
// speech is never cut by the fade out. There is no fade in: frame 0 already shows the
// picture (platforms take it as the thumbnail).
#pragma once

#include <cstdint>

namespace pitchreel {

struct Timeline {
  int fps = 30;
  double lead_in = 0.5;   // seconds of picture before the narration starts
  double tail = 0.8;      // seconds after the narration ends
  double fade_in = 0;     // from black: none, frame 0 is the picture
  double fade_out = 0.5;  // to black
  std::int64_t frame_count = 0;

  double duration() const { return static_cast<double>(frame_count) / fps; }
  double time_of(std::int64_t frame) const { return static_cast<double>(frame) / fps; }
  // 0 at the first frame, 1 at the last: drives the camera move.
  double progress(std::int64_t frame) const;
  // Picture brightness in [0, 1] at time t (fade in and out).
  double brightness(double t) const;
  // The poster: half way through the lead-in, before the first word (the presenter's
  // mouth at rest, no caption yet, no blink: the first comes after a second); frame 0
  // when there is no lead-in.
  std::int64_t poster_frame() const;
};

// The narration lasts `speech_seconds`; the video covers lead-in + speech + tail,
// rounded up to whole frames.
Timeline make_timeline(double speech_seconds, int fps);

// A timeline exactly as long as a picture that already follows the narration from its
// first frame (a GPU's video): no lead-in, no tail, no fades.
Timeline make_flush_timeline(double seconds, int fps);

// Smooth ease-in-out over [0, 1] with zero velocity and acceleration at both ends
// (smootherstep), so the camera starts and stops without a jolt.
double ease_in_out(double x);

}  // namespace pitchreel
