// How the process's C allocator (glibc's malloc) gives memory back to the system: set once
// at start, before any thread.
//
// glibc maps each block of at least its mmap threshold (128 KiB to start with) on its own
// and unmaps it when freed. By default, though, freeing such a block raises the threshold
// to that block's size (up to 32 MiB); from then on the blocks below it come from the heap,
// which goes back to the system from its top only. So what a render happened to free
// before x264 allocated its 2-3 MB buffers (a decoded photo, the landmark model's pieces)
// decided where those went: a 1080p picture-in-picture render peaked at 294.3-295.5 MB
// with the moving threshold and at 292.1-292.3 MB with it held (docs/benchmarks.md,
// thirteenth session), and at 304 MB when the poster's copy was freed early in the render.
// Nothing in a render allocates such blocks frame after frame (the presenter's warp keeps
// its buffers), so the held threshold costs no system calls per frame.
#pragma once

namespace pitchreel {

// Holds glibc's mmap threshold at 128 KiB (which also holds the heap's trim threshold).
// Returns false where the allocator does not take the setting (a sanitizer's); its own
// policy then stays.
bool hold_malloc_thresholds();

}  // namespace pitchreel
