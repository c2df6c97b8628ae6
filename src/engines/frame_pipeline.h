// FramePipeline: renders frames on a second thread while the calling thread encodes
// them, through a few recycled buffers. x264 blocks its caller for part of every frame
// (lookahead, waiting for a frame thread); rendering the next frame meanwhile keeps
// both cores busy. Memory is `depth` frames, whatever the video's length. The render thread
// runs kRendererNiceness steps below the caller (core/thread_priority.h): it works ahead,
// and x264's threads, which wait for one another, go first.
#pragma once

#include <cstdint>
#include <functional>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "media/yuv420.h"

namespace pitchreel {

// Fills `frame` with picture number `index`. Runs on the render thread; must not throw.
// An error (a source that stops decoding) ends the run.
using RenderFrame = std::function<Status(std::int64_t index, Yuv420& frame)>;
// Takes picture number `index`, in order. Runs on the calling thread.
using ConsumeFrame = std::function<Status(std::int64_t index, const Yuv420& frame)>;

// Renders and consumes `count` frames in order; stops at the first render or consumer
// error and returns it.
Status run_frame_pipeline(std::int64_t count, cv::Size size, int depth, const RenderFrame& render,
                          const ConsumeFrame& consume);

}  // namespace pitchreel
