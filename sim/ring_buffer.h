// RingBuffer<T>: a FIFO of plain values in one growable circular array.
//
// Push and pop are O(1) and allocate only when the buffer doubles, so a queue that has reached
// its working size costs no allocation per item. Used for message queues, where a queued message
// is a small value (ids and a size), never a heap node: T is trivially copyable, so growing copies
// the values as bytes and leaves the new slots unwritten until they are pushed (a queue that
// overflows grows to several MiB; filling the whole new array first, as a std::vector would,
// doubled what growing cost). An array of 2 MiB or more is given huge pages (sim/huge_pages.h).
#ifndef MOUNTSTORM_SIM_RING_BUFFER_H_
#define MOUNTSTORM_SIM_RING_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include "sim/huge_pages.h"

namespace mountstorm {

template <typename T>
class RingBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "a ring holds plain values: they are copied as bytes");

 public:
  RingBuffer() = default;
  RingBuffer(const RingBuffer& other) { CopyFrom(other); }
  RingBuffer(RingBuffer&& other) noexcept { Swap(other); }
  RingBuffer& operator=(RingBuffer other) noexcept {
    Swap(other);
    return *this;
  }
  ~RingBuffer() { Free(); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void PushBack(const T& value) { NewBack() = value; }

  // Appends a slot and returns it, to be filled member by member: no whole value is built first
  // and copied (that copy stalls on the stores that just built it).
  T& NewBack() {
    if (size_ == capacity_) Grow();
    T& slot = slots_[(head_ + size_) & (capacity_ - 1)];
    ++size_;
    return slot;
  }

  // REQUIRES: !empty().
  T PopFront() {
    T value = slots_[head_];
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
    return value;
  }

  // Drops the first value without copying it out: read front() first. REQUIRES: !empty().
  void DropFront() {
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
  }
  // Drops the first n values. REQUIRES: n <= size().
  void DropFront(std::size_t n) {
    head_ = (head_ + n) & (capacity_ - 1);
    size_ -= n;
  }

  // REQUIRES: i < size(). Element i counted from the front.
  T& operator[](std::size_t i) { return slots_[(head_ + i) & (capacity_ - 1)]; }
  const T& operator[](std::size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  // For a caller that takes or adds several values at once: value i of a run of them is
  // run[i], a plain pointer's step, the run going on at the array's start after `split` values.
  template <typename U>
  struct Run {
    U* head;
    U* wrapped;
    std::size_t split;
    U& operator[](std::size_t i) const { return i < split ? head[i] : wrapped[i - split]; }
  };
  // The values from the front (REQUIRES: i < size() for each taken); and n spare slots after the
  // back, to be filled and then appended, the first k of them, by AppendSpare(k) (nothing else
  // may change the buffer in between).
  Run<const T> FrontRun() const { return {slots_ + head_, slots_, capacity_ - head_}; }
  Run<T> SpareRun(std::size_t n) {
    while (size_ + n > capacity_) Grow();
    const std::size_t tail = (head_ + size_) & (capacity_ - 1);
    return {slots_ + tail, slots_, capacity_ - tail};
  }
  void AppendSpare(std::size_t k) { size_ += k; }

  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  using Allocator = HugePageAllocator<T>;

  // Doubles the array (always a power of two); the values move, in order, to its front.
  // Out of line: the push that needs it is rare, and inlined it makes every push save and restore
  // the registers the copy needs.
  [[gnu::noinline]] void Grow() { MoveTo(capacity_ == 0 ? 16 : capacity_ * 2); }
  void MoveTo(std::size_t capacity) {
    T* bigger = Allocator().allocate(capacity);
    CopyInOrderTo(bigger);
    Free();
    slots_ = bigger;
    capacity_ = capacity;
    head_ = 0;
  }
  // The values, front first, to the start of `to` (room for size_ of them).
  void CopyInOrderTo(T* to) const {
    if (size_ == 0) return;
    const std::size_t first = std::min(size_, capacity_ - head_);  // up to the array's end
    std::memcpy(to, slots_ + head_, first * sizeof(T));
    std::memcpy(to + first, slots_, (size_ - first) * sizeof(T));
  }
  void CopyFrom(const RingBuffer& other) {
    if (other.capacity_ == 0) return;
    slots_ = Allocator().allocate(other.capacity_);
    capacity_ = other.capacity_;
    size_ = other.size_;
    other.CopyInOrderTo(slots_);
  }
  void Swap(RingBuffer& other) noexcept {
    std::swap(slots_, other.slots_);
    std::swap(capacity_, other.capacity_);
    std::swap(head_, other.head_);
    std::swap(size_, other.size_);
  }
  void Free() {
    if (slots_ != nullptr) Allocator().deallocate(slots_, capacity_);
    slots_ = nullptr;
  }

  T* slots_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_RING_BUFFER_H_
