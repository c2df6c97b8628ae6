#include "render/fade.h"

namespace pitchreel {

void fade_to_black(Yuv420& frame, double brightness) {
  if (brightness >= 1.0) return;
  const double b = brightness < 0 ? 0 : brightness;
  frame.y.convertTo(frame.y, -1, b, 16.0 * (1 - b));
  frame.u.convertTo(frame.u, -1, b, 128.0 * (1 - b));
  frame.v.convertTo(frame.v, -1, b, 128.0 * (1 - b));
}

}  // namespace pitchreel
