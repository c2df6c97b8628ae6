#include "core/malloc_policy.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace pitchreel {
namespace {

// Blocks the compiler must really allocate (they escape through here).
void* volatile sink = nullptr;

void* touched_block(std::size_t bytes) {
  void* block = std::malloc(bytes);
  std::memset(block, 1, bytes);
  sink = block;
  return block;
}

TEST(MallocPolicy, AFreedLargeBlockDoesNotMoveLaterBlocksIntoTheHeap) {
  if (!hold_malloc_thresholds()) GTEST_SKIP() << "this allocator does not take mallopt";
  // With glibc's default, freeing this raises the mmap threshold to 32 MiB, and the 12 MiB
  // block below would come from the heap (and stay resident once freed).
  std::free(touched_block(32u << 20));
  const std::size_t mapped_before = mallinfo2().hblkhd;
  void* block = touched_block(12u << 20);
  const std::size_t mapped_with_block = mallinfo2().hblkhd;
  std::free(block);
  EXPECT_GE(mapped_with_block, mapped_before + (12u << 20))
      << "the block was not mapped on its own";
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "the freed block was not given back";
}

// What a frame allocates and frees under 1 MiB stays for the next frame: glibc's default
// gives the heap's top back above 128 KiB, so every frame faulted its pages in again.
TEST(MallocPolicy, ABlockFreedAtTheHeapsTopIsKeptForTheNext) {
  if (!hold_malloc_thresholds()) GTEST_SKIP() << "this allocator does not take mallopt";
  malloc_trim(0);  // the heap's top as small as it goes
  void* block = touched_block(512u << 10);
  const std::size_t with_block = mallinfo2().arena;
  std::free(block);
  EXPECT_EQ(mallinfo2().arena, with_block) << "the heap's top was given back";
  malloc_trim(0);  // asked, it is given back
  EXPECT_LT(mallinfo2().arena, with_block);
}

}  // namespace
}  // namespace pitchreel
