#include "sim/huge_pages.h"

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace mountstorm {

namespace {
std::size_t RoundedUp(std::size_t bytes) {
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  if (rounded < bytes) throw std::bad_alloc();  // wrapped around
  return rounded;
}
}  // namespace

void* AllocateHugePageBlock(std::size_t bytes) {
  // Mapped directly, so that freeing gives the memory back at once (a sweep keeps what malloc
  // frees for the next run; a huge block kept that way would stay resident), and 2 MiB aligned
  // by mapping 2 MiB more and unmapping what lies outside the aligned block.
  const std::size_t size = RoundedUp(bytes);
  void* map = mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(map);
  const std::uintptr_t aligned = (start + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  if (aligned > start) munmap(map, aligned - start);
  const std::uintptr_t tail = start + size + kHugePageBytes - (aligned + size);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* block = reinterpret_cast<void*>(aligned);
  // Advice only: where the kernel has no THP it fails, and the block works as it is.
  (void)madvise(block, size, MADV_HUGEPAGE);
  // An array of bytes begins its life there, so the values later written into the block are
  // objects (implicit object creation, [intro.object]), as with memory from operator new.
  return ::new (block) std::byte[size];
}

void FreeHugePageBlock(void* block, std::size_t bytes) { munmap(block, RoundedUp(bytes)); }

}  // namespace mountstorm
