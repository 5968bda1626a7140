// HugePageAllocator<T>: allocate() and deallocate() of std::allocator<T> (RingBuffer's arrays),
// except that a block of 2 MiB or more is aligned to 2 MiB and offered to the kernel as
// transparent huge pages (madvise(2), MADV_HUGEPAGE).
//
// The queues of a storm that overflows hold hundreds of thousands of messages (PID 1's sd-bus
// write queue of 196,608, dbus-daemon's outgoing queue for a stalled logind), so their rings
// grow to several MiB, and every 4 KiB page of them is a page fault the first time it is
// touched: on a VM a page fault costs microseconds, and that was a fifth of the time of
// scenarios/incident-enobufs.json (bench/README.md). With huge pages a fault brings in 2 MiB.
// Where the kernel's THP setting is "never" the advice is ignored and nothing changes; the
// results never depend on it.
#ifndef MOUNTSTORM_SIM_HUGE_PAGES_H_
#define MOUNTSTORM_SIM_HUGE_PAGES_H_

#include <cstddef>
#include <memory>

namespace mountstorm {

// Blocks this large or larger get huge pages.
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// A block of `bytes` (>= kHugePageBytes), 2 MiB aligned, advised for huge pages; throws
// std::bad_alloc if there is no memory. FreeHugePageBlock() takes it back with the same `bytes`.
void* AllocateHugePageBlock(std::size_t bytes);
void FreeHugePageBlock(void* block, std::size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  T* allocate(std::size_t n) {
    if (n * sizeof(T) < kHugePageBytes) return std::allocator<T>().allocate(n);
    return static_cast<T*>(AllocateHugePageBlock(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHugePageBytes) {
      std::allocator<T>().deallocate(p, n);
    } else {
      FreeHugePageBlock(p, n * sizeof(T));
    }
  }
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_HUGE_PAGES_H_
