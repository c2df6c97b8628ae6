// How the process's C allocator (glibc's malloc) gives memory back to the system: set once
// at start, before any thread.
//
// glibc maps each block of at least its mmap threshold on its own and unmaps it when freed;
// smaller blocks come from the heap, which goes back to the system from its top only. By
// default the threshold moves: it starts at 128 KiB and rises to the size of any mapped
// block freed (up to 32 MiB). So what a render happened to free before x264 allocated its
// 2-3 MB buffers (a decoded narration, the pictures, the landmark model) decided whether
// those were mapped or came from the heap, and where in it; the peak moved with it: a
// render that freed the poster's copy early peaked 10 MB higher. Held, the threshold no
// longer depends on that history. Its value is measured, not derived: over eleven 1080p
// cases (fixed_costs.sh: the showcase, the presenter, picture-in-picture with the four test
// portraits, a new presenter, a 120 s narration, a music bed) the highest peak was 299.7 MB
// with the moving threshold (the music bed), 298.4 MB held at 128 KiB (the 120 s narration,
// 7 MB above the moving one) and 296 MB held at 8 MiB (docs/benchmarks.md, thirteenth
// session). Nothing in a render allocates 8 MiB blocks frame after frame, so it costs no
// system calls per frame.
//
// The heap's top is given back to the system only beyond 1 MiB of free space (glibc's
// default, 128 KiB, held with the mmap threshold): what a frame allocates and frees (the
// presenter's mouth, encoded packets, caption bitmaps) went back every frame and was
// faulted in again the next: 362 `madvise` calls in a 1080p presenter render, and about
// half of a picture-in-picture render's system time (0.4 s of 0.6-1.0 s). At 4 MiB the renders took
// 1-10% less wall time (fixed_costs.sh, docs/benchmarks.md, fourteenth session) but the presenter
// peaked up to 2 MB higher; 1 MiB was as fast and 2 MB lower (296.3 MB against 298.4). What is
// freed once and for all (the narration, the product's pictures, the landmark model) is given back
// by malloc_trim where it is freed, whatever this threshold.
#pragma once

namespace pitchreel {

// Holds glibc's mmap threshold at 8 MiB and its trim threshold at 1 MiB.
// Returns false where the allocator does not take the setting (a sanitizer's); its own
// policy then stays.
bool hold_malloc_thresholds();

}  // namespace pitchreel
