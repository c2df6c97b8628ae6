#include "render/timeline.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pitchreel {
namespace {

TEST(Timeline, CoversLeadInSpeechAndTailInWholeFrames) {
  const Timeline t = make_timeline(3.0, 30);
  EXPECT_EQ(t.frame_count, static_cast<std::int64_t>(std::ceil((t.lead_in + 3.0 + t.tail) * 30)));
  EXPECT_DOUBLE_EQ(t.duration(), t.frame_count / 30.0);
  // An exact multiple of the frame time does not gain a frame.
  const Timeline exact = make_timeline(1.7, 30);  // 0.5 + 1.7 + 0.8 = 3.0 s
  EXPECT_EQ(exact.frame_count, 90);
}

TEST(Timeline, FadesAndProgress) {
  const Timeline t = make_timeline(4.0, 30);
  EXPECT_DOUBLE_EQ(t.brightness(0), 1.0) << "frame 0 shows the picture: no fade from black";
  EXPECT_GT(t.poster_frame(), 0);
  EXPECT_LT(t.time_of(t.poster_frame()), t.lead_in) << "the poster comes before the first word";
  EXPECT_DOUBLE_EQ(t.brightness(t.duration() / 2), 1.0);
  EXPECT_NEAR(t.brightness(t.duration()), 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(t.progress(0), 0.0);
  EXPECT_DOUBLE_EQ(t.progress(t.frame_count - 1), 1.0);
}

TEST(Timeline, EaseStartsAndStopsGently) {
  EXPECT_DOUBLE_EQ(ease_in_out(0), 0);
  EXPECT_DOUBLE_EQ(ease_in_out(1), 1);
  EXPECT_DOUBLE_EQ(ease_in_out(0.5), 0.5);
  const double h = 1e-4;
  EXPECT_NEAR((ease_in_out(h) - ease_in_out(0)) / h, 0, 1e-3);  // zero velocity at the start
  EXPECT_NEAR((ease_in_out(1) - ease_in_out(1 - h)) / h, 0, 1e-3);
  for (double x = 0; x < 1; x += 0.01) EXPECT_LE(ease_in_out(x), ease_in_out(x + 0.01));
}

}  // namespace
}  // namespace pitchreel
