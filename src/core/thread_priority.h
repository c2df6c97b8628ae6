// Thread priorities inside one render, as nice levels below the thread that starts it.
//
// x264's frame threads are a render's critical path: each waits for the rows of the frame
// before it, so a frame thread held off its core stalls the other one too. The renderer is
// not: it works frames ahead of x264 into recycled buffers (FramePipeline). Above x264, it
// was waited for ~0.05 s in all in a 30-second 1080p presenter render; below, 1.1-1.3 s,
// and yet the render ends sooner, since x264's frame threads still have frames in hand
// while their caller waits. So the renderer runs below x264 and takes the cycles x264
// leaves (two frame threads at 1080p keep about 1.5 of two cores busy), and x264 runs below
// the process's other threads (the soundtrack, the service's API), which have little to do
// but should not wait for it.
#pragma once

namespace pitchreel {

inline constexpr int kEncoderNiceness = 4;   // x264's threads
inline constexpr int kRendererNiceness = 8;  // the frame renderer, below x264

// Lowers the calling thread's priority by `steps` nice levels (at most to 19). Linux sets
// nice values per thread, and threads the caller starts afterwards inherit it. Best effort:
// a priority that cannot be read or set stays as it was.
void lower_thread_priority(int steps);

}  // namespace pitchreel
