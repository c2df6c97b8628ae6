// run_frame_pipeline with small frames: every frame reaches the consumer once, in order, with
// what the renderer drew; the renderer runs kRendererNiceness steps below the caller
// (core/thread_priority.h); an error on either side ends the run and is the one returned.
#include "engines/frame_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "core/thread_priority.h"
#include "support/thread_nice.h"

namespace pitchreel {
namespace {

using testing::this_thread_nice;

TEST(FramePipeline, EveryFrameInOrderRenderedBelowTheCaller) {
  const int caller = this_thread_nice();
  ASSERT_NE(caller, -100) << "the nice value cannot be read";
  std::atomic<int> renderer = -100;
  std::vector<int> seen;
  const auto status = run_frame_pipeline(
      40, {16, 8}, 3,
      [&](std::int64_t i, Yuv420& frame) -> Status {
        renderer = this_thread_nice();
        frame.y.setTo(static_cast<int>(i));
        return {};
      },
      [&](std::int64_t i, const Yuv420& frame) -> Status {
        EXPECT_EQ(frame.y.at<std::uint8_t>(7, 15), i) << "frame " << i << " as drawn";
        seen.push_back(static_cast<int>(i));
        return {};
      });
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(seen.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(renderer, std::min(19, caller + kRendererNiceness));
  EXPECT_EQ(this_thread_nice(), caller) << "the caller keeps its priority";
}

TEST(FramePipeline, ARenderErrorEndsTheRunAndIsReturned) {
  int consumed = 0;
  const auto status = run_frame_pipeline(
      40, {16, 8}, 3,
      [](std::int64_t i, Yuv420&) -> Status {
        if (i == 5) return fail(Error::internal("source_broke", "frame 5"));
        return {};
      },
      [&](std::int64_t, const Yuv420&) -> Status {
        ++consumed;
        return {};
      });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "source_broke");
  EXPECT_EQ(consumed, 5) << "the frames before it, none after";
}

TEST(FramePipeline, AConsumerErrorStopsTheRenderer) {
  std::atomic<int> rendered = 0;
  const auto status = run_frame_pipeline(
      1000, {16, 8}, 3,
      [&](std::int64_t, Yuv420&) -> Status {
        ++rendered;
        return {};
      },
      [](std::int64_t i, const Yuv420&) -> Status {
        if (i == 2) return fail(Error::internal("disk_full", "frame 2"));
        return {};
      });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "disk_full");
  EXPECT_LE(rendered, 3 + 3) << "at most the frames in flight past the failing one";
}

}  // namespace
}  // namespace pitchreel
